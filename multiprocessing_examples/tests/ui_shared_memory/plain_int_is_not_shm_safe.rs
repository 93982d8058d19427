// A plain `i32` cannot go into shared memory: one process could read it while another writes
// it (a data race, undefined behaviour). Only atomics implement `ShmSafe`.
use multiprocessing_examples::shared::SharedValue;

fn main() {
    let _counter = SharedValue::new(0_i32);
}
