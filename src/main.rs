use std::io::Write;

fn main() {
    let env = regal_inventory::cli::Env::from_process();
    let mut stdout = std::io::BufWriter::new(unbuffered_stdout());
    let mut stderr = std::io::stderr().lock();
    let mut code = regal_inventory::cli::run(std::env::args_os(), &env, &mut stdout, &mut stderr);
    if stdout.flush().is_err() && code == 0 {
        code = 1;
    }
    std::process::exit(code);
}

/// Standard output without Rust's line buffering, which would look through
/// every block of a large inventory (no line breaks) for one.
#[cfg(unix)]
fn unbuffered_stdout() -> Box<dyn Write> {
    use std::os::fd::AsFd;
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(_) => Box::new(std::io::stdout().lock()),
    }
}

#[cfg(not(unix))]
fn unbuffered_stdout() -> Box<dyn Write> {
    Box::new(std::io::stdout().lock())
}

/// mimalloc rather than the system allocator: at a million hosts, glibc's
/// malloc faults in fresh pages one at a time (35,000 page faults, a third of
/// the run); mimalloc takes memory from the OS in large pieces.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
