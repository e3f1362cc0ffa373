//! A bounded thread pool for the lab servers: a fixed number of workers and a
//! queue of fixed depth, so a flood of clients cannot make the server spawn
//! without limit. When the queue is full, [`Pool::execute`] hands the job back
//! and the server answers "busy" itself.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads fed by a bounded queue.
pub struct Pool {
    sender: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// The job a full pool could not take, returned to the caller.
pub struct Rejected(pub Job);

impl Pool {
    /// Starts `threads` workers (at least one) with room for `queue` waiting jobs.
    pub fn new(name: &str, threads: usize, queue: usize) -> Pool {
        let (tx, rx) = mpsc::sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        let workers = (0..threads.max(1))
            .map(|i| {
                let rx = Arc::clone(&rx);
                thread::Builder::new()
                    .name(format!("{name}-{i}"))
                    .spawn(move || worker(&rx))
                    .expect("spawning a pool worker thread")
            })
            .collect();
        Pool { sender: Some(tx), workers }
    }

    /// Queues a job; if every worker is busy and the queue is full, returns it.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) -> Result<(), Rejected> {
        let sender = self.sender.as_ref().expect("pool used after shutdown");
        match sender.try_send(Box::new(job)) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(job)) | Err(TrySendError::Disconnected(job)) => Err(Rejected(job)),
        }
    }

    /// Number of worker threads.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// Stops taking jobs, lets queued jobs finish and joins every worker.
    pub fn shutdown(mut self) {
        self.close();
    }

    fn close(&mut self) {
        self.sender.take();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.close();
    }
}

fn worker(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        match job {
            // A panicking job must not take the worker down with it.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;

    #[test]
    fn runs_every_job_and_joins() {
        let pool = Pool::new("t", 3, 16);
        let count = Arc::new(AtomicUsize::new(0));
        for _ in 0..10 {
            let c = Arc::clone(&count);
            assert!(pool
                .execute(move || {
                    c.fetch_add(1, Ordering::SeqCst);
                })
                .is_ok());
        }
        pool.shutdown();
        assert_eq!(count.load(Ordering::SeqCst), 10);
    }

    #[test]
    fn full_queue_hands_the_job_back() {
        let pool = Pool::new("t", 1, 1);
        let gate = Arc::new(Barrier::new(2));
        let g = Arc::clone(&gate);
        pool.execute(move || {
            g.wait();
        })
        .ok()
        .unwrap();
        // Wait until the worker has taken the first job, so the queue is empty.
        while pool.execute(|| {}).is_err() {}
        assert!(pool.execute(|| {}).is_err(), "queue of one should be full now");
        gate.wait();
        pool.shutdown();
    }

    #[test]
    fn a_panicking_job_keeps_the_worker() {
        let pool = Pool::new("t", 1, 4);
        let count = Arc::new(AtomicUsize::new(0));
        pool.execute(|| panic!("job fails")).ok().unwrap();
        let c = Arc::clone(&count);
        pool.execute(move || {
            c.fetch_add(1, Ordering::SeqCst);
        })
        .ok()
        .unwrap();
        pool.shutdown();
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}
