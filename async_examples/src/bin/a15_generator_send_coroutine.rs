//! Generator `send` in Rust: a channel-fed task, a hand-written state machine, producer/consumer.
//!
//! Pushing values into a paused function: Python's generator `send`, rendered as a task fed by
//! a channel and as a hand-written state machine; plus an async producer/consumer.
//!
//! Python original: Effective Python (ch. 5), "Consider coroutines to run many functions simultaneously" (`coroutines.py`):
//!
//! ```python
//! def coroutine():
//!     while True:
//!         bla = yield       # pauses here until the caller calls .send(value)
//!         print('hello')
//! ```
//!
//! Stable Rust has no generators that receive values (`coroutines` are nightly-only), so:
//! - (a) a task fed by an `mpsc` channel: `gen.send(v)` ≈ `tx.send(v).await`, `bla = yield` ≈
//!   `rx.recv().await`, `gen.close()` ≈ dropping the sender. A `oneshot` reply makes `send`
//!   return the next yielded value and wait for it, exactly like `gen.send`;
//! - (b) a state machine with `fn send(&mut self, v)`: what the compiler would generate by hand,
//!   including Python's rule that a fresh generator must be primed with `next(gen)` first.
//!
//! Both compute a running average (the classic use of `send`) and print `hello` per value.
//! Then (c) the async twin of a queue: a producer and a slower consumer over a bounded channel
//! of capacity 2; the producer is paused when the channel is full (backpressure).
//!
//! Run: `cargo run --bin a15_generator_send_coroutine`
//!
//! Expect: every `caller: send(x)` followed at once by `coroutine: hello, got x` and `caller:
//! send returned average …`; the state machine refusing a send before priming and after close;
//! `consumer: got 1..6` in order, with `producer: sent 6` only after `consumer: got 4` (two
//! items wait in the channel while the consumer works on a third).

use tokio::sync::{mpsc, oneshot};
use utilities::{say, secs};

// ---------- (a) a task fed by a channel ----------

/// A message to the coroutine task: the value and where to send the next "yield".
type Sent = (f64, oneshot::Sender<f64>);

/// The coroutine: loops forever, pausing at `recv` (the `yield`) until a value arrives.
async fn averager_task(mut inbox: mpsc::Receiver<Sent>) -> usize {
    let (mut total, mut count) = (0.0, 0);
    while let Some((value, reply)) = inbox.recv().await {
        say!("coroutine: hello, got {value}");
        total += value;
        count += 1;
        let _ = reply.send(total / f64::from(count)); // "yield average"
    }
    say!("coroutine: channel closed, finishing (Python: GeneratorExit)");
    usize::try_from(count).unwrap_or(0)
}

/// The caller's handle: `send` pushes a value in and waits for the next yielded value.
struct Coroutine {
    tx: mpsc::Sender<Sent>,
}

impl Coroutine {
    async fn send(&self, value: f64) -> Option<f64> {
        let (reply, answer) = oneshot::channel();
        self.tx.send((value, reply)).await.ok()?;
        answer.await.ok()
    }
}

// ---------- (b) a hand-written state machine ----------

/// The states of the Python generator object.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Created, body not started (Python: `GEN_CREATED`).
    Created,
    /// Paused at `yield`, remembering its locals (`GEN_SUSPENDED`).
    Suspended { total: f64, count: u32 },
    /// Closed (`GEN_CLOSED`).
    Closed,
}

/// The errors Python raises for misuse.
#[derive(Debug, PartialEq)]
enum SendError {
    /// `TypeError: can't send non-None value to a just-started generator`
    NotStarted,
    /// `StopIteration`
    Closed,
}

struct Averager {
    state: State,
}

impl Averager {
    fn new() -> Self {
        Self {
            state: State::Created,
        }
    }

    /// `next(gen)`: run the body up to the first `yield`.
    fn prime(&mut self) {
        if self.state == State::Created {
            self.state = State::Suspended {
                total: 0.0,
                count: 0,
            };
        }
    }

    /// `gen.send(value)`: resume at the `yield` with `value`, run to the next `yield`.
    fn send(&mut self, value: f64) -> Result<f64, SendError> {
        match self.state {
            State::Created => Err(SendError::NotStarted),
            State::Closed => Err(SendError::Closed),
            State::Suspended { total, count } => {
                say!("state machine: hello, got {value}");
                let (total, count) = (total + value, count + 1);
                self.state = State::Suspended { total, count };
                Ok(total / f64::from(count))
            }
        }
    }

    /// `gen.close()`.
    fn close(&mut self) {
        self.state = State::Closed;
    }
}

// ---------- (c) producer / consumer over a bounded channel ----------

async fn producer(tx: mpsc::Sender<u32>) {
    for item in 1..=6 {
        say!("producer: sending {item}");
        // Capacity 2: when two items wait unread, this `.await` pauses the producer.
        if tx.send(item).await.is_err() {
            return; // the consumer is gone
        }
        say!("producer: sent {item}");
    }
    say!("producer: done, dropping the sender");
}

async fn consumer(mut rx: mpsc::Receiver<u32>) -> Vec<u32> {
    let mut got = Vec::new();
    while let Some(item) = rx.recv().await {
        say!("consumer: got {item}");
        tokio::time::sleep(secs(0.5)).await; // slower than the producer
        got.push(item);
    }
    say!("consumer: channel closed, stopping");
    got
}

// One thread, like the Python original: the order of the lines below is deterministic.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    utilities::output::start_clock();

    say!("(a) a task fed by a channel");
    let (tx, rx) = mpsc::channel(1);
    let task = tokio::spawn(averager_task(rx));
    let coroutine = Coroutine { tx };
    let mut averages = Vec::new();
    for value in [10.0, 30.0, 5.0] {
        say!("caller: send({value})");
        match coroutine.send(value).await {
            Some(avg) => {
                say!("caller: send returned average {avg}");
                averages.push(avg);
            }
            None => say!("caller: the coroutine is gone"),
        }
    }
    drop(coroutine); // gen.close()
    let handled = task.await.unwrap_or(0);

    say!("(b) a hand-written state machine");
    let mut gen_ = Averager::new();
    let early = gen_.send(1.0);
    say!(
        "send before priming: {early:?} (Python: TypeError: can't send non-None value to a just-started generator)"
    );
    gen_.prime();
    let mut machine = Vec::new();
    for value in [10.0, 30.0, 5.0] {
        say!("caller: send({value})");
        if let Ok(avg) = gen_.send(value) {
            say!("caller: send returned average {avg}");
            machine.push(avg);
        }
    }
    gen_.close();
    let late = gen_.send(1.0);
    say!("send after close: {late:?} (Python: StopIteration)");

    say!("(c) producer and consumer, bounded channel of capacity 2");
    let (tx, rx) = mpsc::channel(2);
    let (_, consumed) = tokio::join!(producer(tx), consumer(rx));
    say!("consumed in order: {consumed:?}");

    assert_eq!(averages, [10.0, 20.0, 15.0]);
    assert_eq!(machine, averages, "both renderings agree");
    assert_eq!(handled, 3);
    assert_eq!(early, Err(SendError::NotStarted));
    assert_eq!(late, Err(SendError::Closed));
    assert_eq!(consumed, [1, 2, 3, 4, 5, 6]);
}
