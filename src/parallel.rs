//! Two pieces of work at once, for the few steps of a large run that split in
//! halves (the machine the performance targets are set on has two cores).

use std::panic::resume_unwind;
use std::sync::{Mutex, PoisonError};

/// Runs `a` here and `b` on a second thread, and gives both results. When no
/// thread can be started, `b` runs here after `a`. A panic in `b` goes on here.
pub fn join<RA, RB: Send>(a: impl FnOnce() -> RA, b: impl FnOnce() -> RB + Send) -> (RA, RB) {
    // Kept here, so that a thread that cannot be started does not take it along.
    let b = Mutex::new(Some(b));
    let take_b = || b.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let second = std::thread::Builder::new().spawn_scoped(scope, || take_b().map(|b| b()));
        let ra = a();
        let rb = match second {
            Ok(thread) => thread.join().unwrap_or_else(|panic| resume_unwind(panic)),
            Err(_) => take_b().map(|b| b()),
        };
        (ra, rb.expect("b runs once"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_run_and_give_their_results() {
        let text = "web1,web2,web3";
        let (a, b) = join(|| text.split(',').count(), || text.len());
        assert_eq!((a, b), (3, 14));
        let (_, id) = join(|| (), || std::thread::current().id());
        assert_ne!(id, std::thread::current().id(), "b ran on a second thread");
    }

    #[test]
    fn a_panic_in_the_second_thread_goes_on_here() {
        let result = std::panic::catch_unwind(|| join(|| 1, || panic!("in b")));
        assert!(result.is_err());
    }
}
