//! An exported solution `.zip`, read in memory: members are looked up by name and
//! inflated under a size and ratio cap, per member and for the archive as a whole.
//! Member names are never used as file system paths, so `../` or absolute names
//! cannot reach outside the archive. A name that two members share is refused:
//! which one an importer reads is anyone's guess.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zip::ZipArchive;

use super::{
    printable, Again, LoadError, PackageFiles, Raw, MAX_COMPRESSION_RATIO, MAX_FILE_BYTES,
    RATIO_CHECK_FROM,
};
use crate::source::Reopen;

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// A zip held in memory, shared between the archive and the duplicate check.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// A buffered file whose seeks cost no system call until a read needs bytes
/// outside the buffer. The zip crate seeks before each member it opens, and
/// `BufReader` drops its buffer on every seek: a zip of 100 000 small members
/// took a million system calls.
struct SeekBuffer {
    file: File,
    buffer: Box<[u8]>,
    /// How much of `buffer` holds the file from `start` on.
    filled: usize,
    start: u64,
    /// The offset the next read starts from.
    position: u64,
}

impl SeekBuffer {
    const CAPACITY: usize = 16 * 1024;

    fn new(file: File) -> Self {
        Self {
            file,
            buffer: vec![0; Self::CAPACITY].into_boxed_slice(),
            filled: 0,
            start: 0,
            position: 0,
        }
    }
}

impl Read for SeekBuffer {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let offset = self
            .position
            .checked_sub(self.start)
            .and_then(|offset| usize::try_from(offset).ok())
            .filter(|&offset| offset < self.filled);
        let offset = match offset {
            Some(offset) => offset,
            None => {
                self.file.seek(SeekFrom::Start(self.position))?;
                if out.len() >= Self::CAPACITY {
                    // A big read goes straight to the caller.
                    let read = self.file.read(out)?;
                    self.position += read as u64;
                    return Ok(read);
                }
                self.filled = self.file.read(&mut self.buffer)?;
                self.start = self.position;
                0
            }
        };
        let available = &self.buffer[offset..self.filled];
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SeekBuffer {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let invalid =
            || std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start");
        self.position = match to {
            SeekFrom::Start(offset) => offset,
            SeekFrom::Current(delta) => self
                .position
                .checked_add_signed(delta)
                .ok_or_else(invalid)?,
            SeekFrom::End(delta) => {
                let len = self.file.metadata()?.len();
                len.checked_add_signed(delta).ok_or_else(invalid)?
            }
        };
        Ok(self.position)
    }
}

/// Where an archive is, to open it again for a snippet.
#[derive(Debug, Clone)]
enum Archive {
    Path(PathBuf),
    Bytes(Arc<Vec<u8>>),
}

pub struct ZipFiles {
    archive: ZipArchive<Box<dyn ReadSeek>>,
    origin: Archive,
    shown: String,
    /// Normalised member name (`/` separators, no leading `/`) -> index.
    members: BTreeMap<String, usize>,
    /// Size of the whole archive, against which the members read are held.
    archive_len: u64,
    /// The declared sizes of the members read so far, each counted once.
    inflated: u64,
    counted: HashSet<usize>,
}

impl ZipFiles {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let shown = path.display().to_string();
        let cannot_open = |e: std::io::Error| LoadError::file(&shown, format!("cannot open: {e}"));
        let file = File::open(path).map_err(cannot_open)?;
        let archive_len = file.metadata().map_err(cannot_open)?.len();
        // A second handle reads the central directory for the duplicate check.
        let again = File::open(path).map_err(cannot_open)?;
        Self::new(
            shown,
            Archive::Path(path.to_path_buf()),
            Box::new(SeekBuffer::new(file)),
            Box::new(BufReader::new(again)),
            archive_len,
        )
    }

    pub fn from_bytes(shown: &str, bytes: Vec<u8>) -> Result<Self, LoadError> {
        let archive_len = bytes.len() as u64;
        let bytes = Arc::new(bytes);
        Self::new(
            shown.to_owned(),
            Archive::Bytes(Arc::clone(&bytes)),
            Box::new(Cursor::new(Shared(Arc::clone(&bytes)))),
            Box::new(Cursor::new(Shared(bytes))),
            archive_len,
        )
    }

    fn new(
        shown: String,
        origin: Archive,
        reader: Box<dyn ReadSeek>,
        mut again: Box<dyn ReadSeek>,
        archive_len: u64,
    ) -> Result<Self, LoadError> {
        let archive = ZipArchive::new(reader).map_err(|e| {
            LoadError::file(
                &shown,
                format!("not a readable zip archive ({e}); a solution package is a .zip file or a folder"),
            )
        })?;
        let twice = |name: &str| {
            LoadError::file(
                format!("{shown}!/{}", printable(&normalise(name))),
                "the archive holds more than one member of this name; refusing an ambiguous package",
            )
        };
        // The zip crate keeps one member per name: a name written twice is only
        // seen in the central directory itself.
        let start = archive.central_directory_start();
        let unreadable = |e: std::io::Error| {
            LoadError::file(&shown, format!("cannot read the zip directory: {e}"))
        };
        let records = central_directory(&mut again, start, |_| ()).map_err(unreadable)?;
        if records > archive.len() {
            let mut names = Vec::with_capacity(records);
            central_directory(&mut again, start, |name| names.push(name.to_vec()))
                .map_err(unreadable)?;
            let mut seen = HashSet::with_capacity(names.len());
            for name in &names {
                if !seen.insert(name.as_slice()) {
                    return Err(twice(&String::from_utf8_lossy(name)));
                }
            }
            // Names that differ in their bytes but not once decoded.
            return Err(LoadError::file(
                &shown,
                format!(
                    "the zip directory lists {records} members under {} names; refusing an ambiguous package",
                    archive.len()
                ),
            ));
        }
        let mut members = BTreeMap::new();
        for index in 0..archive.len() {
            if let Some(name) = archive.name_for_index(index) {
                if members.insert(normalise(name), index).is_some() && !name.ends_with('/') {
                    return Err(twice(name));
                }
            }
        }
        Ok(Self {
            archive,
            origin,
            shown,
            members,
            archive_len: archive_len.max(1),
            inflated: 0,
            counted: HashSet::new(),
        })
    }
}

/// `/` separators and no leading `/`: `\x\y.xml` is `x/y.xml`.
fn normalise(name: &str) -> String {
    name.replace('\\', "/").trim_start_matches('/').to_owned()
}

/// Calls `each` with the raw name of every central directory record from `start`
/// on; returns how many there are.
fn central_directory(
    reader: &mut dyn ReadSeek,
    start: u64,
    mut each: impl FnMut(&[u8]),
) -> std::io::Result<usize> {
    const RECORD: u32 = 0x0201_4b50;
    reader.seek(SeekFrom::Start(start))?;
    let mut records = 0;
    let mut fixed = [0u8; 46];
    let mut name = Vec::new();
    loop {
        match reader.read_exact(&mut fixed) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        if u32::from_le_bytes([fixed[0], fixed[1], fixed[2], fixed[3]]) != RECORD {
            break;
        }
        let field = |at: usize| u16::from_le_bytes([fixed[at], fixed[at + 1]]);
        name.resize(usize::from(field(28)), 0);
        reader.read_exact(&mut name)?;
        each(&name);
        reader.seek_relative(i64::from(field(30)) + i64::from(field(32)))?;
        records += 1;
    }
    Ok(records)
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
        // Checked on every read, not only the first: a failed streaming read of a
        // member is retried whole.
        if self.counted.insert(index) {
            self.inflated = self.inflated.saturating_add(declared);
        }
        let total = self.inflated;
        if total > MAX_FILE_BYTES {
            return Err(LoadError::file(
                &shown,
                format!(
                    "the members read so far inflate to {total} bytes, over the {MAX_FILE_BYTES}-byte limit; refusing to read more"
                ),
            ));
        }
        let ratio = total / self.archive_len;
        if total > RATIO_CHECK_FROM && ratio > MAX_COMPRESSION_RATIO {
            return Err(LoadError::file(
                &shown,
                format!(
                    "the members read so far inflate to {total} bytes, {ratio} times the archive's {} bytes, over the {MAX_COMPRESSION_RATIO}:1 limit: this looks like a zip bomb",
                    self.archive_len
                ),
            ));
        }
        Ok((member, declared))
    }
}

/// A member must inflate to exactly the size its header declares.
fn check_declared(read: u64, declared: u64) -> Result<(), String> {
    match read.cmp(&declared) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(format!(
            "corrupt zip member: inflates to more than its declared {declared} bytes"
        )),
        std::cmp::Ordering::Less => Err(format!(
            "corrupt zip member: inflates to {read} bytes, not its declared {declared}"
        )),
    }
}

/// A member as it inflates, held to its declared size (+1 byte, to notice
/// more), its errors said as the loader says them.
struct Declared<R> {
    inner: io::Take<R>,
    read: u64,
    declared: u64,
}

impl<R: Read> Declared<R> {
    fn new(inner: R, declared: u64) -> Self {
        Self {
            inner: inner.take(declared + 1),
            read: 0,
            declared,
        }
    }
}

impl<R: Read> Read for Declared<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self
            .inner
            .read(out)
            .map_err(|e| io::Error::other(format!("corrupt zip member: {e}")))?;
        self.read += n as u64;
        if n == 0 || self.read > self.declared {
            check_declared(self.read, self.declared).map_err(io::Error::other)?;
        }
        Ok(n)
    }
}

/// A member of an archive, inflated again for a snippet.
#[derive(Debug)]
struct Member {
    archive: Archive,
    index: usize,
}

impl Raw for Member {
    fn raw(&self, each: &mut dyn FnMut(&mut dyn Read, u64) -> io::Result<()>) -> io::Result<()> {
        let reader: Box<dyn ReadSeek> = match &self.archive {
            Archive::Path(path) => Box::new(SeekBuffer::new(File::open(path)?)),
            Archive::Bytes(bytes) => Box::new(Cursor::new(Shared(Arc::clone(bytes)))),
        };
        let mut archive = ZipArchive::new(reader).map_err(io::Error::other)?;
        let member = archive.by_index(self.index).map_err(io::Error::other)?;
        let declared = member.size();
        let mut member = Declared::new(member, declared);
        each(&mut member, declared)
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
        // Names are sorted: those under `dir` are one range, and those below each
        // of its folders a range within it, skipped at once. A zip of 100 000
        // members is listed in as many steps as the folder has entries.
        let mut from = prefix.clone();
        while let Some((name, _)) = self
            .members
            .range::<str, _>((Bound::Included(from.as_str()), Bound::Unbounded))
            .next()
        {
            let Some(rest) = name.strip_prefix(&prefix) else {
                break;
            };
            match rest.split_once('/') {
                Some((first, _)) if !first.is_empty() => {
                    entries.insert(first.to_owned(), true);
                    // `0` follows `/`: the first name past this folder's.
                    from = format!("{prefix}{first}0");
                    continue;
                }
                None if !rest.is_empty() => {
                    entries.entry(rest.to_owned()).or_insert(false);
                }
                _ => {}
            }
            from = format!("{name}\0");
        }
        Ok(entries.into_iter().collect())
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, LoadError> {
        let shown = self.display(path);
        let (mut member, declared) = self.member(path)?;
        // The declared size may lie: never inflate more than it promised (+1 to notice).
        let capacity = usize::try_from(declared).unwrap_or(0).min(64 * 1024 * 1024);
        let mut bytes = Vec::with_capacity(capacity);
        Declared::new(&mut member, declared)
            .read_to_end(&mut bytes)
            .map_err(|e| LoadError::file(&shown, e.to_string()))?;
        Ok(bytes)
    }

    fn open(&mut self, path: &str) -> Result<(Box<dyn Read + '_>, u64), LoadError> {
        let (member, declared) = self.member(path)?;
        Ok((Box::new(Declared::new(member, declared)), declared))
    }

    fn checked_crc(&mut self, path: &str) -> Option<u32> {
        // The zip crate checks the inflated bytes against this at their end.
        let index = *self.members.get(path)?;
        self.archive
            .by_index_raw(index)
            .ok()
            .map(|member| member.crc32())
    }

    fn reopen(&self, path: &str) -> Arc<dyn Reopen> {
        Arc::new(Again(Member {
            archive: self.origin.clone(),
            index: self.members.get(path).copied().unwrap_or(usize::MAX),
        }))
    }

    fn display(&self, path: &str) -> String {
        if path.is_empty() {
            self.shown.clone()
        } else {
            format!("{}!/{}", self.shown, printable(path))
        }
    }
}
