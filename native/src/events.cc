#include "events.h"

#include <vector>

namespace virtop {

namespace {

struct ListenerBox {
  std::shared_ptr<Listener> l;
};

void CallJs(Napi::Env env, Napi::Function fn, ListenerBox* box, EventPayload* data);

using EventTsfn = Napi::TypedThreadSafeFunction<ListenerBox, EventPayload, CallJs>;

}  // namespace

struct Listener {
  int id = 0;
  EventHub::Kind kind = EventHub::kLifecycle;
  // JS thread only: false once removed, so events already queued for this
  // listener are dropped instead of delivered after off*/close returned.
  bool active = true;

  std::mutex mu;          // guards the fields below
  bool alive = true;      // false once the TSFN was finalized
  bool released = false;  // true once we called Release()
  EventTsfn tsfn;
};

namespace {

void CallJs(Napi::Env env, Napi::Function fn, ListenerBox* box, EventPayload* data) {
  std::unique_ptr<EventPayload> ev(data);
  // env is null when the TSFN is being torn down; box may be gone then.
  if (env == nullptr || fn.IsEmpty() || !ev) return;
  if (!box->l->active) return;
  Napi::Object o = Napi::Object::New(env);
  if (ev->kind == EventHub::kLifecycle) {
    o.Set("name", ev->name);
    o.Set("uuid", ev->uuid);
    o.Set("event", ev->event);
    o.Set("detail", ev->detail);
  } else if (ev->kind == EventHub::kInventory) {
    o.Set("object", ev->object);
    o.Set("name", ev->name);
    o.Set("uuid", ev->uuid);
    if (ev->refresh) {
      o.Set("event", "refresh");
      o.Set("detail", env.Null());
    } else {
      o.Set("event", ev->event);
      o.Set("detail", ev->detail);
    }
  } else {
    o.Set("reason", ev->reason);
  }
  // A throwing listener surfaces as an uncaught exception (node-addon-api
  // rethrows it into JS), like any other event callback.
  fn.Call({o});
}

void Shut(const std::shared_ptr<Listener>& l) {
  l->active = false;
  bool release = false;
  {
    std::lock_guard<std::mutex> lock(l->mu);
    if (l->alive && !l->released) {
      l->released = true;
      release = true;
    }
  }
  if (release) l->tsfn.Release();
}

}  // namespace

int EventHub::Add(Napi::Env env, Kind kind, Napi::Function fn) {
  auto l = std::make_shared<Listener>();
  l->kind = kind;
  auto* box = new ListenerBox{l};
  l->tsfn = EventTsfn::New(
      env, fn, "virtop:libvirt-event", 0, 1, box,
      [](Napi::Env, void*, ListenerBox* b) {
        {
          std::lock_guard<std::mutex> lock(b->l->mu);
          b->l->alive = false;
        }
        delete b;
      },
      static_cast<void*>(nullptr));
  // Listening for events must not keep the process alive.
  l->tsfn.Unref(env);
  std::lock_guard<std::mutex> lock(mu_);
  l->id = nextId_++;
  listeners_[l->id] = l;
  return l->id;
}

bool EventHub::Remove(int id) {
  std::shared_ptr<Listener> l;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = listeners_.find(id);
    if (it == listeners_.end()) return false;
    l = it->second;
    listeners_.erase(it);
  }
  Shut(l);
  return true;
}

void EventHub::RemoveAll() {
  std::map<int, std::shared_ptr<Listener>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(listeners_);
  }
  for (auto& kv : all) Shut(kv.second);
}

void EventHub::Emit(const EventPayload& p) {
  std::vector<std::shared_ptr<Listener>> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& kv : listeners_)
      if (kv.second->kind == p.kind) targets.push_back(kv.second);
  }
  for (auto& l : targets) {
    std::lock_guard<std::mutex> lock(l->mu);
    if (!l->alive || l->released) continue;
    auto* copy = new EventPayload(p);
    if (l->tsfn.NonBlockingCall(copy) != napi_ok) delete copy;
  }
}

namespace {

// An event about one libvirt object (domain, pool, network): its name and
// UUID are local lookups on the object, no RPC.
template <typename Obj>
void EmitObjectEvent(void* opaque, EventHub::Kind kind, const char* object, Obj obj, const char* (*getName)(Obj),
                   int (*getUuid)(Obj, char*), int event, int detail, bool refresh) {
  auto& hub = *static_cast<std::shared_ptr<EventHub>*>(opaque);
  EventPayload p;
  p.kind = kind;
  p.object = object;
  p.refresh = refresh;
  const char* name = getName(obj);
  if (name != nullptr) p.name = name;
  char uuid[VIR_UUID_STRING_BUFLEN];
  if (getUuid(obj, uuid) == 0) p.uuid = uuid;
  p.event = event;
  p.detail = detail;
  hub->Emit(p);
}

}  // namespace

int EventHub::LifecycleCb(virConnectPtr /*conn*/, virDomainPtr dom, int event, int detail,
                          void* opaque) {
  EmitObjectEvent(opaque, kLifecycle, "", dom, virDomainGetName, virDomainGetUUIDString, event,
                  detail, false);
  return 0;
}

void EventHub::CloseCb(virConnectPtr /*conn*/, int reason, void* opaque) {
  auto& hub = *static_cast<std::shared_ptr<EventHub>*>(opaque);
  EventPayload p;
  p.kind = kClose;
  p.reason = reason;
  hub->Emit(p);
}

void EventHub::PoolLifecycleCb(virConnectPtr /*conn*/, virStoragePoolPtr pool, int event,
                               int detail, void* opaque) {
  EmitObjectEvent(opaque, kInventory, "pool", pool, virStoragePoolGetName, virStoragePoolGetUUIDString, event,
                detail, false);
}

void EventHub::PoolRefreshCb(virConnectPtr /*conn*/, virStoragePoolPtr pool, void* opaque) {
  EmitObjectEvent(opaque, kInventory, "pool", pool, virStoragePoolGetName, virStoragePoolGetUUIDString, 0, 0,
                true);
}

void EventHub::NetworkLifecycleCb(virConnectPtr /*conn*/, virNetworkPtr net, int event,
                                  int detail, void* opaque) {
  EmitObjectEvent(opaque, kInventory, "network", net, virNetworkGetName, virNetworkGetUUIDString, event, detail,
                false);
}

void* EventHub::NewOpaque(const std::shared_ptr<EventHub>& hub) {
  return new std::shared_ptr<EventHub>(hub);
}

void EventHub::FreeOpaque(void* opaque) { delete static_cast<std::shared_ptr<EventHub>*>(opaque); }

}  // namespace virtop
