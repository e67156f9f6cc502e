use regal_inventory::output;
use std::io::Write;

fn main() {
    let env = regal_inventory::cli::Env::from_process();
    let mut stdout = output::stdout();
    let mut stderr = std::io::stderr().lock();
    let mut code = regal_inventory::cli::run(std::env::args_os(), &env, &mut stdout, &mut stderr);
    // `run` flushed on success; anything failing after that is still reported.
    if let Err(error) = stdout.flush()
        && code == 0
    {
        let error = regal_inventory::error::Error::Write(error);
        let _ = writeln!(stderr, "regal-inventory: {error}");
        code = regal_inventory::cli::EXIT_INVALID;
    }
    std::process::exit(code);
}

/// Runs before `main` and before Rust's runtime, which opens `/dev/null` in
/// place of a closed stdout: so `>&-` is told from `1<>/dev/null`.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris"
))]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_STDOUT: extern "C" fn() = output::note_stdout_at_start;

/// mimalloc rather than the system allocator: at a million hosts, glibc's
/// malloc faults in fresh pages one at a time (35,000 page faults, a third of
/// the run); mimalloc takes memory from the OS in large pieces.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
