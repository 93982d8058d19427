//! The worker's side of the pool: read a request, say `Started`, run the task on each argument
//! (catching panics), send `Finished` with one outcome per argument. A worker never decides
//! anything else: the parent's driver thread watches deadlines and replaces it when needed.

use super::*;

/// One request: a chunk of one or more arguments for the same task (Python's `chunksize`).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Request {
    pub(super) task: String,
    pub(super) args: Vec<Vec<u8>>,
}

/// What a worker sends back for each request: `Started` as soon as it takes the request (so a
/// request that never reached a dead worker can be told apart, and the deadline starts then),
/// `Finished` with one outcome per argument.
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Reply {
    Started,
    Finished(Vec<Outcome>),
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Outcome {
    Done(Vec<u8>),
    Panicked(String),
    Failed(String),
    /// The encoded result (with the reply's envelope) would exceed the frame limit.
    TooLarge(usize),
}

/// Call this first thing in `main`. In a pool worker it serves tasks until the pool closes its
/// socket, then exits the process; in any other process it returns at once.
pub fn serve_if_worker(tasks: &'static [Task]) {
    let Some(role) = child_role() else { return };
    if role.name != WORKER_ROLE {
        return;
    }
    // Die with the pool's driver thread, even in the middle of a task.
    crate::spawn::exit_with_parent();
    let code = match serve(tasks) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("pool worker {}: {e}", std::process::id());
            1
        }
    };
    std::process::exit(code);
}

fn serve(tasks: &'static [Task]) -> Result<(), FrameError> {
    let table: HashMap<&str, RunFn> = tasks.iter().map(|t| (t.name, t.run)).collect();
    let mut sock = UnixStream::from(inherited_fd(0)?);
    // A task's panic is reported to the parent as a reply; keep the default hook's stderr
    // message out of the way by capturing the text ourselves.
    std::panic::set_hook(Box::new(|_| {}));
    while let Some(req) = frame::read_frame_opt::<_, Request>(&mut sock)? {
        frame::write_frame(&mut sock, &Reply::Started)?;
        let run = table.get(req.task.as_str());
        let echo = req.task == ECHO_TASK;
        let mut outcomes: Vec<Outcome> = req
            .args
            .iter()
            .map(|arg| match run {
                None if echo => Outcome::Done(arg.clone()),
                None => Outcome::Failed(format!("unknown task {:?}", req.task)),
                Some(run) => match std::panic::catch_unwind(|| run(arg)) {
                    Ok(Ok(bytes)) => Outcome::Done(bytes),
                    Ok(Err(msg)) => Outcome::Failed(msg),
                    Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
                },
            })
            .collect();
        refuse_oversize_results(&mut outcomes);
        frame::write_frame(&mut sock, &Reply::Finished(outcomes))?;
    }
    Ok(()) // end-of-file: the pool is closing
}

/// A reply larger than a frame could not be sent (the worker would have to die): replace the
/// results by their sizes when they do not fit together with the reply's envelope.
fn refuse_oversize_results(outcomes: &mut [Outcome]) {
    // Per outcome: at most 1 byte of variant and 5 of varint length, counted generously.
    let total: usize = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Done(b) => b.len() + 16,
            Outcome::Panicked(m) | Outcome::Failed(m) => m.len() + 16,
            Outcome::TooLarge(_) => 16,
        })
        .sum();
    if total + 64 > MAX_FRAME {
        for o in outcomes {
            if let Outcome::Done(bytes) = o {
                *o = Outcome::TooLarge(bytes.len());
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}
