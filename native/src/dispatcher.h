// Where blocking libvirt calls run: the binding's own threads, never libuv's.
//
// Why not Napi::AsyncWorker: its Execute() runs on libuv's thread pool. A
// remote host that stops answering holds a pool thread per pending call, so
// one black-holed host starves every other host's calls and all of Node's fs
// I/O, and process.exit() hangs (Node joins the pool threads at exit, and
// they are stuck in libvirt RPC waits).
//
// Instead:
//   Job         one call: Execute() on a binding thread (no N-API there),
//               then OnOK()/OnError() on the JS thread.
//   Dispatcher  per connection: a FIFO plus up to N detached threads, started
//               on demand and gone after a while idle (or at once after
//               Shutdown()). A hung connection only holds its own threads.
//               A connection on libvirt's remote driver gets one thread
//               (see conn_state.h: concurrent calls on one remote
//               connection can crash libvirt before 10.3.0).
//   Completer   per Node environment: brings finished jobs back to the JS
//               thread through a uv_async_t, with the same timing as libuv's
//               own work completions. The handle is ref'd while any job is
//               pending (so `await conn.x()` keeps a script alive, like libuv
//               work does) and unref'd otherwise (so idle connections never
//               do).
//
// Nothing here is ever joined. At process.exit() the threads may still sit in
// a libvirt call; everything they touch (Dispatcher, Completer, the job) is on
// the heap and kept alive by shared ownership, never by static objects or by
// N-API finalizers, so exit neither waits for them nor frees under them.
// (process.exit() runs no environment cleanup; a normal exit or a worker
// thread's end does, and then late jobs are dropped, see Completer.)
#pragma once

#include <napi.h>
#include <uv.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace virtop {

class Completer;

class Job {
 public:
  // JS thread. `completer` is the environment's (see addon_data.h).
  explicit Job(std::shared_ptr<Completer> completer) : completer_(std::move(completer)) {}
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

 protected:
  // Binding thread. Blocking is fine; N-API is not.
  virtual void Execute() = 0;
  // JS thread, after Execute() returned.
  virtual void OnOK(Napi::Env env) = 0;
  // JS thread, after Execute() threw a C++ exception (e.g. bad_alloc), or
  // when no thread could be started for the job.
  virtual void OnError(Napi::Env env, const std::string& message) = 0;

 private:
  friend class Completer;
  friend class Dispatcher;

  // JS thread: counts the job as pending (before it is handed to a thread).
  void Begin();
  // Binding thread: Execute(), then hand the job to the Completer.
  void RunAndPost();
  // Any thread, instead of RunAndPost(): completes with OnError(message).
  void FailAndPost(const std::string& message);

  std::shared_ptr<Completer> completer_;
  bool threw_ = false;
  std::string what_;
};

// One per Node environment (created in the addon's Init). Finished jobs are
// appended to a list and a uv_async_t on the environment's loop settles
// them on the JS thread. This is how libuv completes its own thread-pool work
// (what AsyncWorker used): each loop iteration settles the jobs finished so
// far, and jobs finishing meanwhile wait for the next iteration, after timers,
// I/O and setImmediate callbacks. (A ThreadSafeFunction would not do: it
// dispatches calls queued while it is dispatching in the same tick, so
// results could overtake a setImmediate queued before the call was made.)
class Completer {
 public:
  // JS thread.
  static std::shared_ptr<Completer> Create(Napi::Env env);
  // JS thread: calls begun and not yet settled (a diagnostic: what a hung
  // daemon leaves waiting).
  size_t Pending() const { return pending_; }

 private:
  friend class Job;
  struct Handle;  // the uv_async_t and the reference it holds on us

  Completer() = default;
  // JS thread.
  void Begin();
  // Any thread; takes ownership of `job`.
  void Post(Job* job);

  static void OnAsync(uv_async_t* async);
  static void OnEnvCleanup(napi_async_cleanup_hook_handle hook, void* arg);
  static void OnClosed(uv_handle_t* handle);

  napi_env env_ = nullptr;
  napi_async_context asyncContext_ = nullptr;  // for callback scopes
  Handle* handle_ = nullptr;                   // JS thread only
  size_t pending_ = 0;  // JS thread only: jobs begun and not yet settled

  std::mutex mu_;      // guards the fields below
  bool alive_ = true;  // false once the environment is being torn down
  std::vector<Job*> ready_;  // finished, waiting to be settled
};

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
 public:
  static std::shared_ptr<Dispatcher> Create(size_t maxThreads,
                                            std::chrono::milliseconds idleTimeout);

  // JS thread: queue `job` (ownership passes to the dispatcher).
  void Submit(Job* job);
  // Any thread: queue work that reports to nobody (a connection's teardown).
  // It runs in order with the jobs, so it never overlaps a call on a
  // one-thread connection, and it keeps no Node loop alive.
  void SubmitTask(std::function<void()> task);
  // Any thread: at most `n` (>= 1) threads from now on; threads already
  // running finish their current job first.
  void SetMaxThreads(size_t n);
  // Any thread: idle threads exit instead of waiting for more work. Jobs
  // already queued still run; later Submit()s still work.
  void Shutdown();

 private:
  // One queued unit: a Job (settled on the JS thread) or a bare task.
  struct Item {
    Job* job = nullptr;
    std::function<void()> task;
  };

  Dispatcher(size_t maxThreads, std::chrono::milliseconds idleTimeout)
      : idleTimeout_(idleTimeout), maxThreads_(maxThreads) {}
  void Enqueue(Item item);
  void Spawn();
  static void ThreadMain(std::shared_ptr<Dispatcher> self);

  const std::chrono::milliseconds idleTimeout_;

  std::mutex mu_;  // guards everything below
  size_t maxThreads_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  size_t threads_ = 0;  // started and not yet exiting
  size_t idle_ = 0;     // of those, waiting for work
  bool shutdown_ = false;
};

}  // namespace virtop
