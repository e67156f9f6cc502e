use std::io::Write;

fn main() {
    let env = regal_inventory::cli::Env::from_process();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut stderr = std::io::stderr().lock();
    let mut code = regal_inventory::cli::run(std::env::args_os(), &env, &mut stdout, &mut stderr);
    if stdout.flush().is_err() && code == 0 {
        code = 1;
    }
    std::process::exit(code);
}
