// Ownership of the virConnectPtr shared by a JS Connection and its workers.
//
// The ConnState owns one libvirt reference while the connection is open.
// Every queued worker takes its own reference (virConnectRef, via Acquire())
// on the JS thread and drops it at the end of its Execute(), on the binding
// thread that ran it. close() queues the state's own reference for teardown
// on the connection's dispatcher. The real disconnect (which may be an RPC)
// therefore happens off the JS thread, when the last in-flight call
// finishes, and close() during calls is safe.
//
// Each ConnState also has its own Dispatcher (dispatcher.h): the threads its
// open() and calls run on, so a hung connection only holds up itself.
//
// Calls on one connection overlap only where that is safe. libvirt's RPC
// client before 10.3.0 (CVE-2024-4418; Debian 12 ships 9.0 unpatched) leaves
// a GSource pointing into a returned stack frame when a second thread joins
// a call in progress, and a later call dispatches it and crashes. So a
// connection through the remote driver (qemu:///system included: it talks
// to libvirtd over a socket) gets one thread; only the in-process test
// driver, or a fixed library, gets several.
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "dispatcher.h"
#include "errors.h"
#include "events.h"

namespace virtop {

// One counted reference to a connection. Move-only.
class ConnRef {
 public:
  ConnRef() = default;
  explicit ConnRef(virConnectPtr c) : c_(c) {}
  ConnRef(ConnRef&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  ConnRef& operator=(ConnRef&& o) noexcept {
    if (this != &o) {
      Release();
      c_ = o.c_;
      o.c_ = nullptr;
    }
    return *this;
  }
  ConnRef(const ConnRef&) = delete;
  ConnRef& operator=(const ConnRef&) = delete;
  ~ConnRef() { Release(); }

  // virConnectClose: drops this reference (disconnects if it was the last).
  void Release();
  virConnectPtr get() const { return c_; }
  explicit operator bool() const { return c_ != nullptr; }

 private:
  virConnectPtr c_ = nullptr;
};

// One looked-up domain handle (virDomainFree is local, no RPC). Move-only.
class DomRef {
 public:
  DomRef() = default;
  explicit DomRef(virDomainPtr d) : d_(d) {}
  DomRef(DomRef&& o) noexcept : d_(o.d_) { o.d_ = nullptr; }
  DomRef(const DomRef&) = delete;
  DomRef& operator=(const DomRef&) = delete;
  DomRef& operator=(DomRef&& o) noexcept {
    if (this != &o) {
      reset();
      d_ = o.d_;
      o.d_ = nullptr;
    }
    return *this;
  }
  ~DomRef() { reset(); }
  void reset() {
    if (d_ != nullptr) virDomainFree(d_);
    d_ = nullptr;
  }
  virDomainPtr get() const { return d_; }
  explicit operator bool() const { return d_ != nullptr; }

 private:
  virDomainPtr d_ = nullptr;
};

// What libvirt holds on our behalf for one open connection.
struct EventRegistration {
  int lifecycleId = -1;      // virConnectDomainEventRegisterAny id, -1 if none
  bool closeCallback = false;
  int poolLifecycleId = -1;  // virConnectStoragePoolEventRegisterAny ids
  int poolRefreshId = -1;
  int networkLifecycleId = -1;  // virConnectNetworkEventRegisterAny id
};

// Why a kind of event could not be registered (empty when it was).
struct EventErrors {
  LvError lifecycle;
  LvError close;
  // pool and network events: set when none of them could be registered
  LvError inventory;
};

// Worker thread only (blocking): registers the connection's event callbacks
// with the hub. Failures are recorded, never fatal for the connection.
void RegisterEvents(virConnectPtr conn, const std::shared_ptr<EventHub>& hub,
                    EventRegistration& reg, EventErrors& errs);

// Whether any pool or network event could be registered.
bool HasInventoryEvents(const EventRegistration& reg);

// Worker/helper thread only (blocking): deregisters callbacks and drops the
// reference. Errors are ignored; the connection may already be dead.
void TeardownConnection(virConnectPtr conn, const EventRegistration& reg);

// Whether calls on a connection to `uri` may run on several threads at once
// (see ConnState): the in-process test driver, or libvirt >= 10.3.0.
bool ConcurrentCallsSafe(const std::string& uri);

class ConnState {
 public:
  enum class Phase { Idle, Opening, Open, Closed };

  // Threads per connection where calls may overlap: enough for one tick's
  // concurrent calls (stats, node counters, a lookup or two); more calls
  // simply queue.
  static constexpr size_t kMaxThreads = 4;
  // An idle thread exits after this long without work (the next call starts
  // a new one); after close() idle threads exit at once.
  static constexpr std::chrono::milliseconds kIdleTimeout{30000};

  ConnState()
      : hub(std::make_shared<EventHub>()),
        dispatcher(Dispatcher::Create(kMaxThreads, kIdleTimeout)) {}

  // A new reference for a worker, or an empty ConnRef when not open.
  // Only virConnectRef (no I/O), so fine on the JS thread.
  ConnRef Acquire();

  // Any thread, once the state no longer holds `conn` (may be null): queues
  // its teardown behind the calls already submitted, never beside them, and
  // lets the threads exit when the queue is empty. Calls in flight hold
  // their own references, so the real disconnect happens when the last of
  // them finishes.
  void Retire(virConnectPtr conn, const EventRegistration& reg);

  std::mutex mu;  // guards everything below except hub (self-locking)
  Phase phase = Phase::Idle;
  virConnectPtr conn = nullptr;  // the state's own reference while Open
  std::string uri;
  EventRegistration reg;
  EventErrors eventErrors;  // what could not be registered
  const std::shared_ptr<EventHub> hub;
  // Self-locking. Owned jointly with its threads, which keep it alive after
  // the ConnState is gone.
  const std::shared_ptr<Dispatcher> dispatcher;
};

}  // namespace virtop
