#include "conn_state.h"

namespace virtop {

void ConnRef::Release() {
  if (c_ != nullptr) {
    virConnectClose(c_);
    virResetLastError();
    c_ = nullptr;
  }
}

ConnRef ConnState::Acquire() {
  std::lock_guard<std::mutex> lock(mu);
  if (phase != Phase::Open || conn == nullptr) return ConnRef();
  if (virConnectRef(conn) < 0) {
    virResetLastError();
    return ConnRef();
  }
  return ConnRef(conn);
}

void ConnState::Retire(virConnectPtr conn, const EventRegistration& reg) {
  if (conn != nullptr) dispatcher->SubmitTask([conn, reg] { TeardownConnection(conn, reg); });
  dispatcher->Shutdown();
}

void RegisterEvents(virConnectPtr conn, const std::shared_ptr<EventHub>& hub,
                    EventRegistration& reg, EventErrors& errs) {
  LvError& lifecycleErr = errs.lifecycle;
  LvError& closeErr = errs.close;
  void* closeOpaque = EventHub::NewOpaque(hub);
  if (virConnectRegisterCloseCallback(conn, EventHub::CloseCb, closeOpaque,
                                      EventHub::FreeOpaque) == 0) {
    reg.closeCallback = true;
  } else {
    // On failure libvirt does not call the free callback.
    closeErr.Capture("virConnectRegisterCloseCallback");
    EventHub::FreeOpaque(closeOpaque);
  }

  void* lcOpaque = EventHub::NewOpaque(hub);
  int id = virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                            VIR_DOMAIN_EVENT_CALLBACK(EventHub::LifecycleCb),
                                            lcOpaque, EventHub::FreeOpaque);
  if (id >= 0) {
    reg.lifecycleId = id;
  } else {
    lifecycleErr.Capture("virConnectDomainEventRegisterAny");
    EventHub::FreeOpaque(lcOpaque);
  }

  // Pools and networks change outside virtop too (virsh, OpenStack): their
  // events let the inventory loop read them again at once. A driver without
  // them is fine: the loop polls.
  auto inventory = [&](const char* call, auto registerFn) {
    void* opaque = EventHub::NewOpaque(hub);
    int rid = registerFn(opaque);
    if (rid < 0) {
      if (errs.inventory.code == 0) errs.inventory.Capture(call);
      else virResetLastError();
      EventHub::FreeOpaque(opaque);
    }
    return rid;
  };
  reg.poolLifecycleId = inventory("virConnectStoragePoolEventRegisterAny", [&](void* o) {
    return virConnectStoragePoolEventRegisterAny(conn, nullptr, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                                 VIR_STORAGE_POOL_EVENT_CALLBACK(EventHub::PoolLifecycleCb),
                                                 o, EventHub::FreeOpaque);
  });
  reg.poolRefreshId = inventory("virConnectStoragePoolEventRegisterAny", [&](void* o) {
    return virConnectStoragePoolEventRegisterAny(conn, nullptr, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                                 VIR_STORAGE_POOL_EVENT_CALLBACK(EventHub::PoolRefreshCb),
                                                 o, EventHub::FreeOpaque);
  });
  reg.networkLifecycleId = inventory("virConnectNetworkEventRegisterAny", [&](void* o) {
    return virConnectNetworkEventRegisterAny(conn, nullptr, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                             VIR_NETWORK_EVENT_CALLBACK(EventHub::NetworkLifecycleCb),
                                             o, EventHub::FreeOpaque);
  });
}

bool HasInventoryEvents(const EventRegistration& reg) {
  return reg.poolLifecycleId >= 0 || reg.poolRefreshId >= 0 || reg.networkLifecycleId >= 0;
}

void TeardownConnection(virConnectPtr conn, const EventRegistration& reg) {
  if (conn == nullptr) return;
  if (reg.lifecycleId >= 0) virConnectDomainEventDeregisterAny(conn, reg.lifecycleId);
  if (reg.poolLifecycleId >= 0) virConnectStoragePoolEventDeregisterAny(conn, reg.poolLifecycleId);
  if (reg.poolRefreshId >= 0) virConnectStoragePoolEventDeregisterAny(conn, reg.poolRefreshId);
  if (reg.networkLifecycleId >= 0) virConnectNetworkEventDeregisterAny(conn, reg.networkLifecycleId);
  if (reg.closeCallback) virConnectUnregisterCloseCallback(conn, EventHub::CloseCb);
  virConnectClose(conn);
  virResetLastError();
}

bool ConcurrentCallsSafe(const std::string& uri) {
  // "test:///..." runs in this process; "test+unix://..." goes through the
  // remote driver like any daemon URI.
  if (uri.rfind("test:", 0) == 0) return true;
  unsigned long libVer = 0;
  if (virGetVersion(&libVer, nullptr, nullptr) < 0) {
    virResetLastError();
    return false;
  }
  return libVer >= 10003000UL;
}

}  // namespace virtop
