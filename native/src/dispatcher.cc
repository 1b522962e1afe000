#include "dispatcher.h"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>
#include <utility>

namespace virtop {

// ---- Job ------------------------------------------------------------------

void Job::Begin() { completer_->Begin(); }

void Job::RunAndPost() {
  try {
    Execute();
  } catch (const std::exception& e) {
    threw_ = true;
    what_ = e.what();
  } catch (...) {
    threw_ = true;
    what_ = "unknown C++ exception in a libvirt call";
  }
  // Once posted the job may be settled and deleted on the JS thread at any
  // moment; keep the Completer alive through Post() with our own reference.
  std::shared_ptr<Completer> c = completer_;
  c->Post(this);
}

void Job::FailAndPost(const std::string& message) {
  threw_ = true;
  what_ = message;
  std::shared_ptr<Completer> c = completer_;
  c->Post(this);
}

// ---- Completer ------------------------------------------------------------

struct Completer::Handle {
  uv_async_t async;
  // The Completer lives at least as long as its handle (callbacks use it).
  std::shared_ptr<Completer> self;
  napi_async_cleanup_hook_handle hook = nullptr;
};

std::shared_ptr<Completer> Completer::Create(Napi::Env env) {
  std::shared_ptr<Completer> c(new Completer());
  c->env_ = env;
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr)
    throw Napi::Error::New(env, "virtop: no libuv loop for this environment");
  // Never destroyed: the Completer may die on a binding thread after the
  // environment is gone, where napi_async_destroy must not run.
  napi_async_init(env, nullptr, Napi::String::New(env, "virtop:libvirt-call"), &c->asyncContext_);

  auto* h = new Handle();
  h->self = c;
  if (uv_async_init(loop, &h->async, OnAsync) != 0) {
    delete h;
    throw Napi::Error::New(env, "virtop: uv_async_init failed");
  }
  h->async.data = h;
  // Nothing pending yet: must not keep the process alive.
  uv_unref(reinterpret_cast<uv_handle_t*>(&h->async));
  c->handle_ = h;
  // Environment teardown (a normal exit, a worker thread's end; never
  // process.exit()): close the handle before the loop goes away.
  if (napi_add_async_cleanup_hook(env, OnEnvCleanup, h, nullptr) != napi_ok) {
    // Unusable without it (the handle would outlive a worker's loop). Close
    // it now; OnClosed expects no hook.
    uv_close(reinterpret_cast<uv_handle_t*>(&h->async), OnClosed);
    c->handle_ = nullptr;
    throw Napi::Error::New(env, "virtop: napi_add_async_cleanup_hook failed");
  }
  return c;
}

void Completer::Begin() {
  if (handle_ == nullptr) return;  // environment torn down
  if (pending_++ == 0) uv_ref(reinterpret_cast<uv_handle_t*>(&handle_->async));
}

void Completer::Post(Job* job) {
  bool queued = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (alive_ && handle_ != nullptr) {
      ready_.push_back(job);
      uv_async_send(&handle_->async);  // coalesces; thread-safe
      queued = true;
    }
  }
  // Not queued: the environment is gone, nobody is waiting for the result.
  // The job already ran (or never will), so deleting it here makes no libvirt
  // or N-API call.
  if (!queued) delete job;
}

void Completer::OnAsync(uv_async_t* async) {
  Completer* self = static_cast<Handle*>(async->data)->self.get();
  // Only what has finished so far; later jobs wake the next loop iteration.
  std::vector<Job*> batch;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    batch.swap(self->ready_);
  }
  Napi::Env env(self->env_);
  for (Job* job : batch) {
    std::unique_ptr<Job> owned(job);
    // Counted as settled before its promise settles: code that runs on it
    // (pendingCalls() in a continuation) sees it gone.
    if (self->pending_ > 0) self->pending_--;
    // Nothing may escape into libuv. Jobs settle their own promise and catch
    // conversion errors; what is left (e.g. N-API refusing calls while a
    // worker thread is being terminated) has nobody to report to.
    try {
      // Like AsyncWorker's completion: a handle scope and a callback scope
      // per job, so promise reactions and nextTicks run before the next one.
      Napi::HandleScope scope(env);
      Napi::CallbackScope callbackScope(env, self->asyncContext_);
      if (job->threw_)
        job->OnError(env, job->what_);
      else
        job->OnOK(env);
    } catch (...) {
    }
  }
  // A continuation may have begun new jobs (Begin() re-refs the handle).
  if (self->pending_ == 0 && self->handle_ != nullptr)
    uv_unref(reinterpret_cast<uv_handle_t*>(&self->handle_->async));
}

void Completer::OnEnvCleanup(napi_async_cleanup_hook_handle hook, void* arg) {
  auto* h = static_cast<Handle*>(arg);
  Completer* self = h->self.get();
  h->hook = hook;
  std::vector<Job*> dropped;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    self->alive_ = false;
    self->handle_ = nullptr;
    dropped.swap(self->ready_);
  }
  for (Job* job : dropped) delete job;
  uv_close(reinterpret_cast<uv_handle_t*>(&h->async), OnClosed);
}

void Completer::OnClosed(uv_handle_t* handle) {
  auto* h = static_cast<Handle*>(handle->data);
  if (h->hook != nullptr) napi_remove_async_cleanup_hook(h->hook);
  delete h;  // drops the handle's reference on the Completer
}

// ---- Dispatcher -----------------------------------------------------------

std::shared_ptr<Dispatcher> Dispatcher::Create(size_t maxThreads,
                                               std::chrono::milliseconds idleTimeout) {
  return std::shared_ptr<Dispatcher>(new Dispatcher(maxThreads == 0 ? 1 : maxThreads, idleTimeout));
}

void Dispatcher::Submit(Job* job) {
  job->Begin();
  Item item;
  item.job = job;
  Enqueue(std::move(item));
}

void Dispatcher::SubmitTask(std::function<void()> task) {
  Item item;
  item.task = std::move(task);
  Enqueue(std::move(item));
}

void Dispatcher::SetMaxThreads(size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  maxThreads_ = n == 0 ? 1 : n;
}

void Dispatcher::Enqueue(Item item) {
  bool spawn = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(item));
    // Threads counted idle but already woken still take one job each.
    if (idle_ > 0) cv_.notify_one();
    if (queue_.size() > idle_ && threads_ < maxThreads_) {
      threads_++;
      spawn = true;
    }
  }
  if (spawn) Spawn();
}

void Dispatcher::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_ = true;
  cv_.notify_all();
}

void Dispatcher::Spawn() {
  try {
    std::thread(ThreadMain, shared_from_this()).detach();
  } catch (const std::system_error& e) {
    std::deque<Item> orphans;
    {
      std::lock_guard<std::mutex> lock(mu_);
      threads_--;
      // With no thread left, nothing would ever run what is queued.
      if (threads_ == 0) orphans.swap(queue_);
    }
    // Tasks are dropped: a leaked connection beats blocking the JS thread.
    for (Item& it : orphans)
      if (it.job != nullptr)
        it.job->FailAndPost(std::string("cannot start a thread for the libvirt call: ") + e.what());
  }
}

void Dispatcher::ThreadMain(std::shared_ptr<Dispatcher> self) {
  // Named so top -H and /proc/PID/task tell libvirt's CPU from V8's and libuv's.
  pthread_setname_np(pthread_self(), "virtop-libvirt");
  Dispatcher& d = *self;
  {
    std::unique_lock<std::mutex> lock(d.mu_);
    for (;;) {
      if (!d.queue_.empty()) {
        Item item = std::move(d.queue_.front());
        d.queue_.pop_front();
        lock.unlock();
        if (item.job != nullptr) {
          item.job->RunAndPost();
        } else if (item.task) {
          try {
            item.task();
          } catch (...) {
          }
        }
        lock.lock();
        continue;
      }
      if (d.shutdown_) break;
      d.idle_++;
      bool woken = d.cv_.wait_for(lock, d.idleTimeout_,
                                  [&d] { return !d.queue_.empty() || d.shutdown_; });
      d.idle_--;
      if (!woken) break;  // idle for idleTimeout_ with nothing queued
    }
    d.threads_--;
  }
  // `self` goes last: the dispatcher outlives its own mutex use above even
  // if the connection that owned it is long gone.
}

}  // namespace virtop
