//! Any output file, written whole or not at all: [`OutputFile`], and
//! [`same_file`] to tell when an output would be one of the inputs.
//!
//! Every file gpu-ledger writes (a trace from `export`, `synth` or `demo`, an
//! image) goes through [`OutputFile`]: it writes a temporary file beside the
//! target and renames it over the target only when the caller
//! [commits](OutputFile::commit), so a run that fails (an unreadable input, a full
//! disk, a crash) never leaves a half-written or empty file where an earlier one
//! was. Targets that are not regular files (`/dev/null`, a FIFO, a terminal) are
//! written directly, since they cannot be replaced. The one exception is a live
//! recording (the toggles' and the C API's host sink, [`OutputFile::live`]),
//! whose trace is read at its path while it grows and after a crash. This module
//! never deletes or replaces anything but its own temporary file and the target
//! it was given.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind};

/// Output buffer of an [`OutputFile`].
const WRITE_BUFFER: usize = 1 << 16;

/// A file being written: into a temporary file beside its target (named
/// `<target>.<8 hex digits>.partial`), renamed over the target on
/// [`commit`](Self::commit), and removed if dropped uncommitted. A target that
/// exists and is not a regular file is written in place.
///
/// A process killed while writing leaves the temporary file, never a damaged
/// target.
///
/// # Example
/// ```
/// use std::io::Write;
/// use gpu_ledger::output::OutputFile;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out.txt");
/// std::fs::write(&path, "earlier")?;
/// let mut out = OutputFile::create(&path)?;
/// out.write_all(b"new")?;
/// drop(out); // a failed run: nothing committed, the earlier file is intact
/// assert_eq!(std::fs::read_to_string(&path)?, "earlier");
///
/// let mut out = OutputFile::create(&path)?;
/// out.write_all(b"new")?;
/// assert_eq!(out.commit()?, 3);
/// assert_eq!(std::fs::read_to_string(&path)?, "new");
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 1, "no temporary file is left");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OutputFile {
    /// The path as given, for messages.
    path: PathBuf,
    /// Where the temporary file goes on commit (symbolic links followed).
    target: PathBuf,
    out: BufWriter<File>,
    /// The temporary file, or `None` when writing the target in place (or once
    /// committed).
    temp: Option<PathBuf>,
    written: u64,
}

impl OutputFile {
    /// Starts writing the file at `path`: a temporary file beside it (beside the
    /// file a symbolic link points to), or `path` itself when it exists and is
    /// not a regular file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], naming the path: `path` is a directory, or the
    /// temporary file (or the target, in place) cannot be created; the cause is
    /// the system's [`std::io::Error`].
    pub fn create(path: &Path) -> Result<Self, Error> {
        let named = |e: Error| e.with_path(path);
        match std::fs::metadata(path) {
            // Devices, FIFOs, terminals; a directory fails here with the system's words.
            Ok(meta) if !meta.is_file() => {
                let file = OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(path)
                    .map_err(|e| named(Error::io("cannot open the output", e)))?;
                return Ok(Self::new(path, path.to_path_buf(), file, None));
            }
            _ => {}
        }
        let target = resolve_link(path);
        // The error is the target's to the user: the temporary file is a detail.
        let (file, temp) = create_beside(&target)
            .map_err(|e| named(Error::io("cannot create the output file", e)))?;
        Ok(Self::new(path, target, file, Some(temp)))
    }

    /// Starts writing the file at `path` in place, as [`File::create`] does, for
    /// a live recording: its trace is read while it grows (`tail`, a script
    /// waiting for an event) and must be at its path after a crash. An earlier
    /// file there is replaced at once; [`commit`](Self::commit) only flushes.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], naming the path, when it cannot be created.
    pub fn live(path: &Path) -> Result<Self, Error> {
        let file = File::create(path)
            .map_err(|e| Error::io("cannot create the output file", e).with_path(path))?;
        Ok(Self::new(path, path.to_path_buf(), file, None))
    }

    fn new(path: &Path, target: PathBuf, file: File, temp: Option<PathBuf>) -> Self {
        Self {
            path: path.to_path_buf(),
            target,
            out: BufWriter::with_capacity(WRITE_BUFFER, file),
            temp,
            written: 0,
        }
    }

    /// The path it was created with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes what is buffered, makes it durable and renames the temporary file
    /// over the target; returns the bytes written.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], naming the path, when flushing, syncing or renaming
    /// fails; the temporary file is then removed and the target left as it was.
    pub fn commit(mut self) -> Result<u64, Error> {
        let named = |e: Error| e.with_path(&self.path);
        self.out
            .flush()
            .map_err(|e| named(Error::io("cannot write the output", e)))?;
        let Some(temp) = self.temp.take() else {
            return Ok(self.written);
        };
        self.out
            .get_ref()
            .sync_all()
            .map_err(|e| named(Error::io("cannot write the output", e)))?;
        if let Err(e) = std::fs::rename(&temp, &self.target) {
            let _ = std::fs::remove_file(&temp);
            return Err(named(Error::io(
                format!(
                    "cannot move the finished output into place from {}",
                    temp.display()
                ),
                e,
            )));
        }
        Ok(self.written)
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl std::fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputFile")
            .field("path", &self.path)
            .field("temporary", &self.temp.as_deref())
            .field("written", &self.written)
            .finish()
    }
}

impl Drop for OutputFile {
    /// Uncommitted: the run failed, so its partial output goes and the target stays.
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Whether `a` and `b` name the same existing file, however named: through `.`
/// and `..`, symbolic links or hard links (the same device and inode on Unix).
/// `false` when either does not exist.
///
/// # Example
/// ```
/// use gpu_ledger::output::same_file;
///
/// let dir = tempfile::tempdir()?;
/// let a = dir.path().join("a.gltrace");
/// std::fs::write(&a, "trace")?;
/// std::fs::hard_link(&a, dir.path().join("b.gltrace"))?;
/// assert!(same_file(&a, &dir.path().join("b.gltrace")));
/// assert!(same_file(&a, &dir.path().join(".").join("a.gltrace")));
/// assert!(!same_file(&a, &dir.path().join("missing.gltrace")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// A new file beside `target`, `<name>.<8 hex digits>.partial`, never one that
/// exists already, and its path.
fn create_beside(target: &Path) -> io::Result<(File, PathBuf)> {
    use std::hash::BuildHasher as _;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let mut attempt = 0u32;
    loop {
        // Randomly keyed, so two processes writing beside the same file pick
        // different names; `create_new` makes sure of it.
        let unique = std::collections::hash_map::RandomState::new().hash_one((
            std::process::id(),
            attempt,
            std::time::SystemTime::now(),
        ));
        let temp = dir.join(format!("{name}.{:08x}.partial", unique as u32));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 64 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// `path`, or when it is a symbolic link the file it points to (so that the
/// rename replaces that file and keeps the link).
fn resolve_link(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return path.to_path_buf();
    }
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses to write `out` when it names the same file as one of `inputs`
/// ([`same_file`]). `-` means standard input among the inputs and standard output
/// as `out`.
///
/// # Errors
/// [`ErrorKind::InvalidInput`], naming both paths.
///
/// # Example
/// ```
/// use gpu_ledger::output::check_not_an_input;
///
/// let dir = tempfile::tempdir()?;
/// let input = dir.path().join("run.gltrace");
/// std::fs::write(&input, "trace")?;
/// let out = dir.path().join("sub/../run.gltrace");
/// std::fs::create_dir(dir.path().join("sub"))?;
/// let err = check_not_an_input(&out, &[&input]).unwrap_err();
/// assert!(err.to_string().contains("the output is the input"));
/// check_not_an_input(&dir.path().join("new.gltrace"), &[&input])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_not_an_input(out: &Path, inputs: &[&Path]) -> Result<(), Error> {
    let out_file = if out.as_os_str() == "-" {
        Path::new("/dev/stdout")
    } else {
        out
    };
    for input in inputs {
        let in_file = if input.as_os_str() == "-" {
            Path::new("/dev/stdin")
        } else {
            input
        };
        if same_file(out_file, in_file) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "the output is the input {} (the same file): writing it would destroy \
                     what is being read; give another output path",
                    input.display()
                ),
            )
            .with_path(out));
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_symbolic_link_keeps_pointing_at_the_new_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let real = dir.path().join("real.gltrace");
        std::fs::write(&real, "old").expect("written");
        let link = dir.path().join("link.gltrace");
        std::os::unix::fs::symlink(&real, &link).expect("linked");
        let mut out = OutputFile::create(&link).expect("created");
        out.write_all(b"new").expect("written");
        out.commit().expect("committed");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("the link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).expect("read"), "new");
    }

    #[test]
    fn a_device_is_written_in_place() {
        use std::os::unix::fs::FileTypeExt as _;
        let mut out = OutputFile::create(Path::new("/dev/null")).expect("opened");
        out.write_all(b"gone").expect("written");
        assert_eq!(out.commit().expect("nothing to rename"), 4);
        let kind = std::fs::metadata("/dev/null")
            .expect("still there")
            .file_type();
        assert!(kind.is_char_device());
    }
}
