// p16's bug in the Python original, caught at compile time: Python's `pool.starmap(increment, [(value,) …])`
// raises "RuntimeError: Synchronized objects should only be shared between processes through
// inheritance" when it tries to pickle the `Value`. Shared memory is a place, not a value:
// `SharedValue` is not `Serialize`, so it cannot be a task argument.
use std::sync::atomic::AtomicI32;

use multiprocessing_examples::pool::{ProcessPool, Task};
use multiprocessing_examples::shared::SharedValue;

static TASKS: &[Task] = &[];

fn main() {
    let value = SharedValue::new(AtomicI32::new(0)).unwrap();
    let pool = ProcessPool::new(4, TASKS).unwrap();
    let _: Vec<i32> = pool.starmap("increment", vec![(value,)]).unwrap();
}
