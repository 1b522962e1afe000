// The JS-visible `Connection` class (see src/libvirt/types.ts, NativeConnection).
//
// Methods validate their arguments synchronously (TypeError), take a
// connection reference and queue a worker (a Job) on the connection's own
// Dispatcher; every libvirt call happens on one of the binding's threads
// (dispatcher.h), never on the JS thread or libuv's pool. Calls on a
// connection that is not open reject with an Error carrying `closed: true`.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

#include "addon_data.h"
#include "conn_state.h"
#include "workers.h"

namespace virtop {

class Connection : public Napi::ObjectWrap<Connection> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Connection(const Napi::CallbackInfo& info);
  ~Connection() override;

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsOpen(const Napi::CallbackInfo& info);
  Napi::Value IsAlive(const Napi::CallbackInfo& info);
  Napi::Value GetUri(const Napi::CallbackInfo& info);
  Napi::Value GetHostname(const Napi::CallbackInfo& info);
  Napi::Value GetLibVersion(const Napi::CallbackInfo& info);
  Napi::Value SetKeepAlive(const Napi::CallbackInfo& info);

  Napi::Value GetAllDomainStats(const Napi::CallbackInfo& info);
  Napi::Value ListAllDomains(const Napi::CallbackInfo& info);
  Napi::Value DomainInfo(const Napi::CallbackInfo& info);
  Napi::Value DomainXml(const Napi::CallbackInfo& info);
  Napi::Value NodeInfo(const Napi::CallbackInfo& info);
  Napi::Value NodeCpuStats(const Napi::CallbackInfo& info);
  Napi::Value NodeMemoryStats(const Napi::CallbackInfo& info);

  Napi::Value BlockStats(const Napi::CallbackInfo& info);
  Napi::Value ListDomainNames(const Napi::CallbackInfo& info);
  Napi::Value DiskErrors(const Napi::CallbackInfo& info);
  Napi::Value InterfaceStats(const Napi::CallbackInfo& info);
  Napi::Value MemoryStats(const Napi::CallbackInfo& info);
  Napi::Value Vcpus(const Napi::CallbackInfo& info);
  Napi::Value DomainsDetail(const Napi::CallbackInfo& info);
  Napi::Value DomainXmls(const Napi::CallbackInfo& info);
  Napi::Value InterfaceAddresses(const Napi::CallbackInfo& info);
  Napi::Value NodeCellsFreeMemory(const Napi::CallbackInfo& info);
  Napi::Value ListStoragePools(const Napi::CallbackInfo& info);
  Napi::Value ListVolumes(const Napi::CallbackInfo& info);
  Napi::Value ListNetworks(const Napi::CallbackInfo& info);
  Napi::Value NetworkDhcpLeases(const Napi::CallbackInfo& info);

  template <DomainOpWorker::Op op>
  Napi::Value DomainOp(const Napi::CallbackInfo& info);

  Napi::Value OnLifecycle(const Napi::CallbackInfo& info);
  Napi::Value OffLifecycle(const Napi::CallbackInfo& info);
  Napi::Value OnInventoryEvent(const Napi::CallbackInfo& info);
  Napi::Value OnClose(const Napi::CallbackInfo& info);

  // A reference for a worker, or empty (then *rejected is the promise to return).
  ConnRef AcquireOr(Napi::Env env, const char* method, Napi::Value* rejected);
  Napi::Error NotOpenError(Napi::Env env, const char* method);
  Napi::Value ConnInfo(const Napi::CallbackInfo& info, ConnInfoWorker::Op op, const char* method,
                       int interval = 0, unsigned count = 0);
  Napi::Value Node(const Napi::CallbackInfo& info, NodeWorker::Op op, const char* method);
  // Queues `w` on this connection's dispatcher; returns its promise.
  Napi::Value Dispatch(ConnWorker* w);

  std::shared_ptr<ConnState> state_;
  std::shared_ptr<std::atomic<bool>> tearingDown_;
};

}  // namespace virtop
