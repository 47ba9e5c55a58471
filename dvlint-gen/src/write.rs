//! Puts generated files on disk or in a zip, as the platform exports them:
//! deflated members with a fixed timestamp, so that the same seed gives the same
//! bytes.

use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::render::File;

/// A zip of `files`, in memory.
pub fn zip_bytes(files: &[File]) -> std::io::Result<Vec<u8>> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .large_file(false);
    for (name, text) in files {
        writer
            .start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        writer.write_all(text.as_bytes())?;
    }
    Ok(writer.finish().map_err(std::io::Error::other)?.into_inner())
}

pub fn zip(path: &Path, files: &[File]) -> std::io::Result<()> {
    std::fs::write(path, zip_bytes(files)?)
}

/// Writes `files` under `dir`, replacing what a previous run left there.
pub fn folder(dir: &Path, files: &[File]) -> std::io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}
