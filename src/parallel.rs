//! Two pieces of work at once, for the few steps of a large run that split in
//! halves (the machine the performance targets are set on has two cores).

use std::panic::resume_unwind;
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};

/// Runs `a` here and `b` on a second thread, and gives both results. When no
/// thread can be started, `b` runs here after `a`. A panic in `b` goes on here.
pub fn join<RA, RB: Send>(a: impl FnOnce() -> RA, b: impl FnOnce() -> RB + Send) -> (RA, RB) {
    join_on(std::thread::Builder::new(), a, b)
}

/// The stack a program's main thread has on Linux by default (`ulimit -s`),
/// four times a second thread's.
const MAIN_STACK: usize = 8 << 20;

/// [`join`] for `b` that recurses as deep as the main thread may (the values
/// of vars, nested through aliases): its thread has [`MAIN_STACK`]. Only the
/// pages used take memory.
pub fn join_deep<RA, RB: Send>(a: impl FnOnce() -> RA, b: impl FnOnce() -> RB + Send) -> (RA, RB) {
    join_on(std::thread::Builder::new().stack_size(MAIN_STACK), a, b)
}

/// [`join`], `b`'s thread made by `builder`.
fn join_on<RA, RB: Send>(
    builder: std::thread::Builder,
    a: impl FnOnce() -> RA,
    b: impl FnOnce() -> RB + Send,
) -> (RA, RB) {
    // Kept here, so that a thread that cannot be started does not take it along.
    let b = Mutex::new(Some(b));
    let take_b = || b.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let second = builder.spawn_scoped(scope, || take_b().map(|b| b()));
        let ra = a();
        let rb = match second {
            Ok(thread) => thread.join().unwrap_or_else(|panic| resume_unwind(panic)),
            Err(_) => take_b().map(|b| b()),
        };
        (ra, rb.expect("b runs once"))
    })
}

/// Runs `helper` on a second thread while `main` runs here, and gives what
/// `main` gives. `main` is told whether the helper runs: when no thread can be
/// started, `helper` does not run at all and `main` does the work alone. A
/// panic in `helper` goes on here once `main` returns; `main` must not wait on
/// the helper for ever (nor the helper on `main`, once `main` has returned).
pub fn beside<R>(helper: impl FnOnce() + Send, main: impl FnOnce(bool) -> R) -> R {
    std::thread::scope(
        |scope| match std::thread::Builder::new().spawn_scoped(scope, helper) {
            Ok(thread) => {
                let result = main(true);
                thread.join().unwrap_or_else(|panic| resume_unwind(panic));
                result
            }
            Err(_) => main(false),
        },
    )
}

/// Pieces `0..count` of one output, made on two threads and taken here in
/// order: `take(i, made)` for each `i` in turn. A second thread makes the odd
/// pieces with `make`, each into a buffer of its own, while this one makes the
/// even ones: `take` gets the bytes of an odd piece as `made`, and `None` for
/// a piece it makes itself (every piece, when no thread can be started).
///
/// The second thread runs at most two pieces ahead of `take`, and buffers are
/// used again once taken: three buffers at most, however many pieces. An
/// error from `take` ends both threads and is given back; a panic in `make`
/// goes on here.
pub fn in_turn<E>(
    count: usize,
    mut make: impl FnMut(usize, &mut Vec<u8>) + Send,
    mut take: impl FnMut(usize, Option<&[u8]>) -> Result<(), E>,
) -> Result<(), E> {
    // Made pieces to this thread (one waiting while one is taken and one
    // made), and taken buffers back.
    let (made, to_take) = mpsc::sync_channel::<Vec<u8>>(1);
    let (taken, to_fill) = mpsc::channel::<Vec<u8>>();
    let helper = move || {
        for i in (1..count).step_by(2) {
            let mut buffer = to_fill.try_recv().unwrap_or_default();
            buffer.clear();
            make(i, &mut buffer);
            if made.send(buffer).is_err() {
                return; // `take` failed: no more pieces are wanted
            }
        }
    };
    beside(helper, move |helped| {
        for i in 0..count {
            if !helped || i % 2 == 0 {
                take(i, None)?;
                continue;
            }
            // Only a panic in `make` ends the pieces early: `beside` goes on
            // with it.
            let Ok(buffer) = to_take.recv() else {
                break;
            };
            take(i, Some(&buffer))?;
            let _ = taken.send(buffer);
        }
        Ok(())
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

    /// Pieces come out in order, the odd ones made on the second thread;
    /// an error stops both threads; a panic in `make` goes on here.
    #[test]
    fn pieces_are_taken_in_order_and_odd_ones_made_beside() {
        let here = std::thread::current().id();
        let piece = |i: usize| format!("<{i}>").repeat(i % 5 + 1);
        let mut out = String::new();
        let made = in_turn(
            1001,
            |i, buffer| {
                assert_ne!(std::thread::current().id(), here);
                assert_eq!(i % 2, 1);
                buffer.extend_from_slice(piece(i).as_bytes());
            },
            |i, made| {
                match made {
                    Some(bytes) => out.push_str(std::str::from_utf8(bytes).unwrap()),
                    None => {
                        assert_eq!(i % 2, 0);
                        out.push_str(&piece(i));
                    }
                }
                Ok::<(), ()>(())
            },
        );
        assert_eq!(made, Ok(()));
        assert_eq!(out, (0..1001).map(piece).collect::<String>());

        let mut taken = 0;
        let failed = in_turn(
            1000,
            |_, _| {},
            |i, _| {
                taken += 1;
                if i == 7 { Err(i) } else { Ok(()) }
            },
        );
        assert_eq!((failed, taken), (Err(7), 8));

        for count in [0, 1, 2] {
            let mut taken = Vec::new();
            let made = in_turn(
                count,
                |_, b| b.push(1),
                |i, m| {
                    taken.push((i, m.map(<[u8]>::to_vec)));
                    Ok::<_, ()>(())
                },
            );
            assert_eq!(made, Ok(()));
            let expected: Vec<_> = (0..count)
                .map(|i| (i, (i % 2 == 1).then(|| vec![1])))
                .collect();
            assert_eq!(taken, expected);
        }

        let result = std::panic::catch_unwind(|| {
            in_turn(
                100,
                |i, _| assert!(i < 51, "in make"),
                |_, _| Ok::<(), ()>(()),
            )
        });
        assert!(result.is_err());
    }
}
