// Delivery of libvirt events (domain lifecycle, connection close, storage
// pool and network lifecycle) to JS.
//
// Each open connection registers ONE callback per event kind with libvirt
// (off the JS thread, while opening). Their opaque
// points at the connection's EventHub, which fans events out to any number
// of JS listeners, each backed by its own unref'd ThreadSafeFunction. Adding
// and removing JS listeners therefore never calls libvirt and never blocks.
//
// Threading: libvirt invokes the callbacks on the event-loop thread
// (event_loop.cc); Emit() queues a copy of the event to each listener's TSFN.
// A listener is guarded by its own mutex so that neither an explicit release
// (off*, close) nor the TSFN finalizer (also run at environment teardown)
// can race with a call from the event thread.
#pragma once

#include <libvirt/libvirt.h>
#include <napi.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace virtop {

struct Listener;

struct EventPayload {
  int kind = 0;
  // kInventory: "pool" or "network"; refresh is a pool's refresh event (no event/detail)
  std::string object;
  bool refresh = false;
  std::string name;
  std::string uuid;
  int event = 0;
  int detail = 0;
  int reason = 0;
};

class EventHub {
 public:
  enum Kind { kLifecycle = 0, kClose = 1, kInventory = 2 };

  // JS thread.
  int Add(Napi::Env env, Kind kind, Napi::Function fn);
  bool Remove(int id);
  void RemoveAll();

  // Any thread.
  void Emit(const EventPayload& p);

  // libvirt callbacks; opaque is a heap std::shared_ptr<EventHub> made by
  // NewOpaque and freed by libvirt through FreeOpaque.
  static int LifecycleCb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void* opaque);
  static void CloseCb(virConnectPtr conn, int reason, void* opaque);
  static void PoolLifecycleCb(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail, void* opaque);
  static void PoolRefreshCb(virConnectPtr conn, virStoragePoolPtr pool, void* opaque);
  static void NetworkLifecycleCb(virConnectPtr conn, virNetworkPtr net, int event, int detail, void* opaque);
  static void* NewOpaque(const std::shared_ptr<EventHub>& hub);
  static void FreeOpaque(void* opaque);

 private:
  std::mutex mu_;
  std::map<int, std::shared_ptr<Listener>> listeners_;
  int nextId_ = 1;
};

}  // namespace virtop
