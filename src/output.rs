//! Standard output for a large inventory: written on a second thread, so that
//! copying 60 MB into the kernel overlaps with rendering it.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

/// Bytes handed to the writing thread at a time.
const CHUNK: usize = 1 << 18;

/// A writer that fills chunks here and writes them to `inner` on its own
/// thread. `flush` waits until every byte is written and gives the first error;
/// so does [`BackgroundWriter::finish`], which also ends the thread (a process
/// that exits after `flush` need not call it).
pub struct BackgroundWriter {
    chunk: Vec<u8>,
    /// Full chunks to the thread.
    full: Option<SyncSender<Vec<u8>>>,
    /// Written chunks back, to be filled again.
    empty: Receiver<Vec<u8>>,
    /// Chunks sent and not yet back.
    in_flight: usize,
    thread: Option<JoinHandle<io::Result<()>>>,
}

/// Standard output for `main`: written on a second thread when one can be
/// started, else from this one.
pub fn stdout() -> Box<dyn Write> {
    match BackgroundWriter::new(unbuffered_stdout()) {
        Ok(writer) => Box::new(writer),
        Err(_) => Box::new(io::BufWriter::new(unbuffered_stdout())),
    }
}

impl BackgroundWriter {
    /// Starts the writing thread; an error if it cannot be started.
    pub fn new<W: Write + Send + 'static>(mut inner: W) -> io::Result<BackgroundWriter> {
        // One chunk waiting while one is written and one is filled.
        let (full, to_write) = mpsc::sync_channel::<Vec<u8>>(1);
        let (written, empty) = mpsc::channel();
        let thread = std::thread::Builder::new().spawn(move || {
            for mut chunk in to_write {
                inner.write_all(&chunk)?;
                chunk.clear();
                let _ = written.send(chunk);
            }
            inner.flush()
        })?;
        Ok(BackgroundWriter {
            chunk: Vec::with_capacity(CHUNK),
            full: Some(full),
            empty,
            in_flight: 0,
            thread: Some(thread),
        })
    }

    /// Sends the chunk being filled. A failed send means the thread stopped on
    /// an error: that error.
    fn send(&mut self) -> io::Result<()> {
        let next = match self.empty.try_recv() {
            Ok(chunk) => {
                self.in_flight -= 1;
                chunk
            }
            Err(_) => Vec::with_capacity(CHUNK),
        };
        let chunk = std::mem::replace(&mut self.chunk, next);
        match self.full.as_ref().map(|full| full.send(chunk)) {
            Some(Ok(())) => {
                self.in_flight += 1;
                Ok(())
            }
            _ => self.finish(),
        }
    }

    /// Writes what is left, ends the thread and gives the first error, if any.
    pub fn finish(&mut self) -> io::Result<()> {
        if let Some(full) = self.full.take()
            && !self.chunk.is_empty()
        {
            let _ = full.send(std::mem::take(&mut self.chunk));
        }
        match self.thread.take().map(JoinHandle::join) {
            None => Err(io::Error::other("the output is closed")),
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        }
    }
}

impl Write for BackgroundWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.full.is_none() {
            return Err(io::Error::other("the output is closed"));
        }
        // Chunks are filled to `CHUNK` and no further: a chunk grown past it
        // by a large write would keep that room.
        let taken = bytes.len().min(CHUNK - self.chunk.len());
        self.chunk.extend_from_slice(&bytes[..taken]);
        if self.chunk.len() == CHUNK {
            self.send()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.full.is_none() {
            return Err(io::Error::other("the output is closed"));
        }
        if !self.chunk.is_empty() {
            self.send()?;
        }
        while self.in_flight > 0 {
            match self.empty.recv() {
                Ok(_) => self.in_flight -= 1,
                Err(_) => return self.finish(),
            }
        }
        Ok(())
    }
}

/// Standard output without Rust's line buffering, which would look through
/// every block of a large inventory (no line breaks) for one. When standard
/// output is not open, a writer that fails: Rust's own `stdout()` would take
/// every byte and report success.
#[cfg(unix)]
pub fn unbuffered_stdout() -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    let closed = |why: String| Box::new(Closed(why));
    match io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => {
            let file = std::fs::File::from(fd);
            if CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed) {
                closed("standard output was closed when regal-inventory started".into())
            } else {
                Box::new(file)
            }
        }
        Err(error) => closed(format!("standard output is not open: {error}")),
    }
}

/// Whether standard output was closed when the process started, as
/// [`note_stdout_at_start`] saw it (false when it did not run).
#[cfg(unix)]
static CLOSED_AT_START: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes whether descriptor 1 is open. The binary runs this from `.init_array`,
/// before Rust's runtime opens `/dev/null` in place of a closed standard stream,
/// after which a closed stdout and `1<>/dev/null` look the same.
#[cfg(unix)]
pub extern "C" fn note_stdout_at_start() {
    // SAFETY: F_GETFD only asks about descriptor 1; it fails (EBADF) when it is not open.
    let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
    CLOSED_AT_START.store(closed, std::sync::atomic::Ordering::Relaxed);
}

/// Standard output that cannot be written: every write fails, saying why.
struct Closed(String);

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::BrokenPipe, self.0.clone()))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(not(unix))]
pub fn unbuffered_stdout() -> Box<dyn Write + Send> {
    Box::new(io::stdout())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Keeps what it is given, failing after `fail_after` bytes if set.
    #[derive(Clone, Default)]
    struct Sink {
        bytes: Arc<Mutex<Vec<u8>>>,
        fail_after: Option<usize>,
    }

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let mut kept = self.bytes.lock().unwrap();
            if self.fail_after.is_some_and(|limit| kept.len() >= limit) {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            kept.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_byte_arrives_in_order() {
        let sink = Sink::default();
        let mut writer = BackgroundWriter::new(sink.clone()).unwrap();
        let mut expected = Vec::new();
        for i in 0..200_000u32 {
            let piece = format!("{i},");
            writer.write_all(piece.as_bytes()).unwrap();
            expected.extend_from_slice(piece.as_bytes());
            if i % 50_000 == 0 {
                writer.flush().unwrap();
            }
        }
        writer.write_all(&vec![b'x'; 3 * CHUNK]).unwrap();
        expected.extend(std::iter::repeat_n(b'x', 3 * CHUNK));
        writer.finish().unwrap();
        assert!(*sink.bytes.lock().unwrap() == expected);
    }

    #[test]
    fn a_failed_write_is_reported() {
        let sink = Sink {
            fail_after: Some(CHUNK),
            ..Sink::default()
        };
        let mut writer = BackgroundWriter::new(sink).unwrap();
        let mut result = Ok(());
        for _ in 0..10 {
            result = result.and_then(|()| writer.write_all(&vec![b'y'; CHUNK]));
        }
        let error = result.and_then(|()| writer.finish()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
