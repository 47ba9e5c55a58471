//! An exported solution `.zip`, read in memory: members are looked up by name and
//! inflated under a size and ratio cap. Member names are never used as file system
//! paths, so `../` or absolute names cannot reach outside the archive.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use zip::ZipArchive;

use super::{
    compact, LoadError, PackageFiles, MAX_COMPRESSION_RATIO, MAX_FILE_BYTES, RATIO_CHECK_FROM,
};

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

pub struct ZipFiles {
    archive: ZipArchive<Box<dyn ReadSeek>>,
    shown: String,
    /// Normalised member name (`/` separators, no leading `/`) -> index. The first
    /// of duplicate names wins.
    members: BTreeMap<String, usize>,
}

impl ZipFiles {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let shown = path.display().to_string();
        let file =
            File::open(path).map_err(|e| LoadError::file(&shown, format!("cannot open: {e}")))?;
        Self::new(shown, Box::new(BufReader::new(file)))
    }

    pub fn from_bytes(shown: &str, bytes: Vec<u8>) -> Result<Self, LoadError> {
        Self::new(shown.to_owned(), Box::new(Cursor::new(bytes)))
    }

    fn new(shown: String, reader: Box<dyn ReadSeek>) -> Result<Self, LoadError> {
        let archive = ZipArchive::new(reader).map_err(|e| {
            LoadError::file(
                &shown,
                format!("not a readable zip archive ({e}); a solution package is a .zip file or a folder"),
            )
        })?;
        let mut members = BTreeMap::new();
        for index in 0..archive.len() {
            if let Some(name) = archive.name_for_index(index) {
                let normalised = name.replace('\\', "/").trim_start_matches('/').to_owned();
                members.entry(normalised).or_insert(index);
            }
        }
        Ok(Self {
            archive,
            shown,
            members,
        })
    }
}

impl ZipFiles {
    /// The member at `path`, once its declared size has passed the limits.
    fn member(
        &mut self,
        path: &str,
    ) -> Result<(zip::read::ZipFile<'_, Box<dyn ReadSeek>>, u64), LoadError> {
        let shown = self.display(path);
        let index = *self
            .members
            .get(path)
            .ok_or_else(|| LoadError::file(&shown, "no such member in the archive"))?;
        let member = self
            .archive
            .by_index(index)
            .map_err(|e| LoadError::file(&shown, format!("cannot read zip member: {e}")))?;
        let declared = member.size();
        let compressed = member.compressed_size().max(1);
        if declared > MAX_FILE_BYTES {
            return Err(LoadError::file(
                &shown,
                format!(
                    "inflates to {declared} bytes, over the {MAX_FILE_BYTES}-byte limit; refusing to read it"
                ),
            ));
        }
        if declared > RATIO_CHECK_FROM && declared / compressed > MAX_COMPRESSION_RATIO {
            return Err(LoadError::file(
                &shown,
                format!(
                    "compression ratio {}:1 is over the {MAX_COMPRESSION_RATIO}:1 limit: this looks like a zip bomb",
                    declared / compressed
                ),
            ));
        }
        Ok((member, declared))
    }
}

/// A member must inflate to exactly the size its header declares.
fn check_declared(shown: &str, read: u64, declared: u64) -> Result<(), LoadError> {
    if read == declared {
        Ok(())
    } else {
        Err(LoadError::file(
            shown,
            format!("corrupt zip member: inflates to more than its declared {declared} bytes"),
        ))
    }
}

impl PackageFiles for ZipFiles {
    fn list(&self, dir: &str) -> Result<Vec<(String, bool)>, LoadError> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut entries: BTreeMap<String, bool> = BTreeMap::new();
        for name in self.members.keys() {
            let Some(rest) = name.strip_prefix(&prefix) else {
                continue;
            };
            match rest.split_once('/') {
                Some((first, _)) if !first.is_empty() => {
                    entries.insert(first.to_owned(), true);
                }
                None if !rest.is_empty() => {
                    entries.entry(rest.to_owned()).or_insert(false);
                }
                _ => {}
            }
        }
        Ok(entries.into_iter().collect())
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, LoadError> {
        let shown = self.display(path);
        let (mut member, declared) = self.member(path)?;
        // The declared size may lie: never inflate more than it promised (+1 to notice).
        let capacity = usize::try_from(declared).unwrap_or(0).min(64 * 1024 * 1024);
        let mut bytes = Vec::with_capacity(capacity);
        (&mut member)
            .take(declared + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| LoadError::file(&shown, format!("corrupt zip member: {e}")))?;
        check_declared(&shown, bytes.len() as u64, declared)?;
        Ok(bytes)
    }

    fn read_text(&mut self, path: &str) -> Result<compact::Text, LoadError> {
        let shown = self.display(path);
        let (mut member, declared) = self.member(path)?;
        let hint = usize::try_from(declared).unwrap_or(0);
        let text = compact::read(&mut (&mut member).take(declared + 1), hint)
            .map_err(|e| LoadError::file(&shown, format!("corrupt zip member: {e}")))?;
        check_declared(&shown, text.original_len, declared)?;
        Ok(text)
    }

    fn display(&self, path: &str) -> String {
        format!("{}!/{}", self.shown, path)
    }
}
