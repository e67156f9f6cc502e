use regal_inventory::output;
use std::io::Write;

fn main() {
    let env = regal_inventory::cli::Env::from_process();
    let mut stdout = output::stdout();
    let mut stderr = std::io::stderr().lock();
    let mut code = regal_inventory::cli::run(std::env::args_os(), &env, &mut stdout, &mut stderr);
    if stdout.flush().is_err() && code == 0 {
        code = 1;
    }
    std::process::exit(code);
}

/// mimalloc rather than the system allocator: at a million hosts, glibc's
/// malloc faults in fresh pages one at a time (35,000 page faults, a third of
/// the run); mimalloc takes memory from the OS in large pieces.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
