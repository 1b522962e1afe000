#include "connection.h"

#include "args.h"
#include "event_loop.h"

namespace virtop {

namespace {

const char* OpMethodName(DomainOpWorker::Op op) {
  switch (op) {
    case DomainOpWorker::kCreate: return "create";
    case DomainOpWorker::kShutdown: return "shutdown";
    case DomainOpWorker::kReboot: return "reboot";
    case DomainOpWorker::kDestroy: return "destroy";
    case DomainOpWorker::kSuspend: return "suspend";
    case DomainOpWorker::kResume: return "resume";
    case DomainOpWorker::kSetMemory: return "setMemoryFlags";
    case DomainOpWorker::kSetVcpus: return "setVcpusFlags";
    case DomainOpWorker::kSetMemoryStatsPeriod: return "setMemoryStatsPeriod";
    case DomainOpWorker::kSetAutostart: return "setAutostart";
  }
  return "domainOp";
}

}  // namespace

Napi::Function Connection::Define(Napi::Env env) {
  return DefineClass(
      env, "Connection",
      {
          InstanceMethod("open", &Connection::Open),
          InstanceMethod("close", &Connection::Close),
          InstanceMethod("isOpen", &Connection::IsOpen),
          InstanceMethod("isAlive", &Connection::IsAlive),
          InstanceMethod("getUri", &Connection::GetUri),
          InstanceMethod("getHostname", &Connection::GetHostname),
          InstanceMethod("getLibVersion", &Connection::GetLibVersion),
          InstanceMethod("setKeepAlive", &Connection::SetKeepAlive),
          InstanceMethod("getAllDomainStats", &Connection::GetAllDomainStats),
          InstanceMethod("listAllDomains", &Connection::ListAllDomains),
          InstanceMethod("listDomainNames", &Connection::ListDomainNames),
          InstanceMethod("setAutostart", &Connection::DomainOp<DomainOpWorker::kSetAutostart>),
          InstanceMethod("domainInfo", &Connection::DomainInfo),
          InstanceMethod("domainXml", &Connection::DomainXml),
          InstanceMethod("nodeInfo", &Connection::NodeInfo),
          InstanceMethod("nodeCpuStats", &Connection::NodeCpuStats),
          InstanceMethod("nodeMemoryStats", &Connection::NodeMemoryStats),
          InstanceMethod("blockStats", &Connection::BlockStats),
          InstanceMethod("diskErrors", &Connection::DiskErrors),
          InstanceMethod("interfaceStats", &Connection::InterfaceStats),
          InstanceMethod("memoryStats", &Connection::MemoryStats),
          InstanceMethod("vcpus", &Connection::Vcpus),
          InstanceMethod("domainsDetailPacked", &Connection::DomainsDetail),
          InstanceMethod("domainXmls", &Connection::DomainXmls),
          InstanceMethod("interfaceAddresses", &Connection::InterfaceAddresses),
          InstanceMethod("nodeCellsFreeMemory", &Connection::NodeCellsFreeMemory),
          InstanceMethod("listStoragePools", &Connection::ListStoragePools),
          InstanceMethod("listVolumes", &Connection::ListVolumes),
          InstanceMethod("listNetworks", &Connection::ListNetworks),
          InstanceMethod("networkDhcpLeases", &Connection::NetworkDhcpLeases),
          InstanceMethod("create", &Connection::DomainOp<DomainOpWorker::kCreate>),
          InstanceMethod("shutdown", &Connection::DomainOp<DomainOpWorker::kShutdown>),
          InstanceMethod("reboot", &Connection::DomainOp<DomainOpWorker::kReboot>),
          InstanceMethod("destroy", &Connection::DomainOp<DomainOpWorker::kDestroy>),
          InstanceMethod("suspend", &Connection::DomainOp<DomainOpWorker::kSuspend>),
          InstanceMethod("resume", &Connection::DomainOp<DomainOpWorker::kResume>),
          InstanceMethod("setMemoryFlags", &Connection::DomainOp<DomainOpWorker::kSetMemory>),
          InstanceMethod("setVcpusFlags", &Connection::DomainOp<DomainOpWorker::kSetVcpus>),
          InstanceMethod("setMemoryStatsPeriod",
                         &Connection::DomainOp<DomainOpWorker::kSetMemoryStatsPeriod>),
          InstanceMethod("onLifecycle", &Connection::OnLifecycle),
          InstanceMethod("offLifecycle", &Connection::OffLifecycle),
          InstanceMethod("onInventoryEvent", &Connection::OnInventoryEvent),
          InstanceMethod("onClose", &Connection::OnClose),
      });
}

Connection::Connection(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Connection>(info), state_(std::make_shared<ConnState>()) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  tearingDown_ = data != nullptr ? data->tearingDown : std::make_shared<std::atomic<bool>>(false);
}

// Garbage-collected without close(): release libvirt resources without
// blocking the JS thread (deregistration and disconnect may be RPCs).
Connection::~Connection() {
  virConnectPtr conn = nullptr;
  EventRegistration reg;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->phase == ConnState::Phase::Open) {
      conn = state_->conn;
      reg = state_->reg;
      state_->conn = nullptr;
    }
    state_->phase = ConnState::Phase::Closed;
  }
  // At process exit the OS reclaims the connection, and listeners are not touched.
  const bool teardown = conn != nullptr && !tearingDown_->load();
  if (teardown) state_->hub->RemoveAll();
  state_->Retire(teardown ? conn : nullptr, reg);
}

Napi::Error Connection::NotOpenError(Napi::Env env, const char* method) {
  ConnState::Phase phase;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    phase = state_->phase;
  }
  switch (phase) {
    case ConnState::Phase::Idle: return MakeClosedError(env, method, "connection is not open");
    case ConnState::Phase::Opening:
      return MakeClosedError(env, method, "connection is still opening");
    default: return MakeClosedError(env, method, "connection is closed");
  }
}

Napi::Value Connection::Dispatch(ConnWorker* w) {
  Napi::Promise p = w->Promise();
  state_->dispatcher->Submit(w);
  return p;
}

ConnRef Connection::AcquireOr(Napi::Env env, const char* method, Napi::Value* rejected) {
  ConnRef ref = state_->Acquire();
  if (!ref) *rejected = RejectedPromise(env, NotOpenError(env, method));
  return ref;
}

// ---- lifecycle of the connection --------------------------------------------

Napi::Value Connection::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uri = ArgString(info, 0, "uri");
  bool readonly = ArgBool(info, 1, "readonly");
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    switch (state_->phase) {
      case ConnState::Phase::Idle: state_->phase = ConnState::Phase::Opening; break;
      case ConnState::Phase::Opening:
        return RejectedPromise(env, Napi::Error::New(env, "open: connection is already opening"));
      case ConnState::Phase::Open:
        return RejectedPromise(env, Napi::Error::New(env, "open: connection is already open"));
      case ConnState::Phase::Closed:
        return RejectedPromise(env, MakeClosedError(env, "open", "connection is closed"));
    }
  }
  LvError loopErr;
  if (!EnsureEventLoop(&loopErr)) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->phase = ConnState::Phase::Idle;
    return RejectedPromise(env, loopErr.ToJs(env));
  }
  state_->dispatcher->SetMaxThreads(ConcurrentCallsSafe(uri) ? ConnState::kMaxThreads : 1);
  return Dispatch(new OpenWorker(env, state_, uri, readonly));
}

Napi::Value Connection::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  virConnectPtr conn = nullptr;
  EventRegistration reg;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    switch (state_->phase) {
      case ConnState::Phase::Open:
        conn = state_->conn;
        state_->conn = nullptr;
        reg = state_->reg;
        state_->phase = ConnState::Phase::Closed;
        break;
      case ConnState::Phase::Opening:
        // The OpenWorker sees this and disconnects itself; its promise rejects.
        state_->phase = ConnState::Phase::Closed;
        break;
      case ConnState::Phase::Idle:
        return RejectedPromise(env, MakeClosedError(env, "close", "connection is not open"));
      case ConnState::Phase::Closed:
        return RejectedPromise(env, MakeClosedError(env, "close", "connection is already closed"));
    }
  }
  // No JS listener is called after close() returns.
  state_->hub->RemoveAll();
  if (conn == nullptr) {  // close() during open(): the OpenWorker cleans up
    state_->Retire(nullptr, reg);
    return ResolvedPromise(env, env.Undefined());
  }
  // Settles after the calls queued before it; a caller that must not wait for
  // a hung one races it with a timer.
  Napi::Value done = Dispatch(new TeardownWorker(env, conn, reg));
  state_->dispatcher->Shutdown();
  return done;
}

Napi::Value Connection::IsOpen(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(state_->mu);
  return Napi::Boolean::New(info.Env(), state_->phase == ConnState::Phase::Open);
}

// ---- connection info ------------------------------------------------------------

Napi::Value Connection::ConnInfo(const Napi::CallbackInfo& info, ConnInfoWorker::Op op,
                                 const char* method, int interval, unsigned count) {
  Napi::Env env = info.Env();
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, method, &rejected);
  if (!ref) return rejected;
  return Dispatch(new ConnInfoWorker(env, std::move(ref), op, interval, count));
}

Napi::Value Connection::IsAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConnRef ref = state_->Acquire();
  if (!ref) return ResolvedPromise(env, Napi::Boolean::New(env, false));
  return Dispatch(new ConnInfoWorker(env, std::move(ref), ConnInfoWorker::kIsAlive));
}

Napi::Value Connection::GetUri(const Napi::CallbackInfo& info) {
  return ConnInfo(info, ConnInfoWorker::kUri, "getUri");
}

Napi::Value Connection::GetHostname(const Napi::CallbackInfo& info) {
  return ConnInfo(info, ConnInfoWorker::kHostname, "getHostname");
}

Napi::Value Connection::GetLibVersion(const Napi::CallbackInfo& info) {
  return ConnInfo(info, ConnInfoWorker::kLibVersion, "getLibVersion");
}

Napi::Value Connection::SetKeepAlive(const Napi::CallbackInfo& info) {
  int interval = ArgInt32(info, 0, "intervalSec");
  unsigned count = ArgUint32(info, 1, "count");
  return ConnInfo(info, ConnInfoWorker::kSetKeepAlive, "setKeepAlive", interval, count);
}

// ---- host -------------------------------------------------------------------------

Napi::Value Connection::Node(const Napi::CallbackInfo& info, NodeWorker::Op op,
                             const char* method) {
  Napi::Env env = info.Env();
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, method, &rejected);
  if (!ref) return rejected;
  return Dispatch(new NodeWorker(env, std::move(ref), op));
}

Napi::Value Connection::NodeInfo(const Napi::CallbackInfo& info) {
  return Node(info, NodeWorker::kInfo, "nodeInfo");
}

Napi::Value Connection::NodeCpuStats(const Napi::CallbackInfo& info) {
  return Node(info, NodeWorker::kCpuStats, "nodeCpuStats");
}

Napi::Value Connection::NodeMemoryStats(const Napi::CallbackInfo& info) {
  return Node(info, NodeWorker::kMemoryStats, "nodeMemoryStats");
}

// ---- domains ------------------------------------------------------------------------

Napi::Value Connection::GetAllDomainStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t stats = ArgUint32(info, 0, "stats");
  uint32_t flags = ArgUint32(info, 1, "flags");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "getAllDomainStats", &rejected);
  if (!ref) return rejected;
  return Dispatch(new AllDomainStatsWorker(env, std::move(ref), stats, flags));
}

Napi::Value Connection::ListAllDomains(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t flags = ArgUint32(info, 0, "flags");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "listAllDomains", &rejected);
  if (!ref) return rejected;
  return Dispatch(new ListDomainsWorker(env, std::move(ref), flags));
}

Napi::Value Connection::ListDomainNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t flags = ArgUint32(info, 0, "flags");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "listDomainNames", &rejected);
  if (!ref) return rejected;
  return Dispatch(new ListDomainNamesWorker(env, std::move(ref), flags));
}

Napi::Value Connection::DomainInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "domainInfo", &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kInfo));
}

Napi::Value Connection::DomainXml(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  uint32_t flags = ArgUint32(info, 1, "flags");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "domainXml", &rejected);
  if (!ref) return rejected;
  return Dispatch(
      new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kXml, "", flags));
}

Napi::Value Connection::BlockStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  std::string dev = ArgString(info, 1, "device");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "blockStats", &rejected);
  if (!ref) return rejected;
  return Dispatch(
      new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kBlockStats, dev));
}

Napi::Value Connection::DiskErrors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "diskErrors", &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kDiskErrors));
}

Napi::Value Connection::InterfaceStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  std::string dev = ArgString(info, 1, "device");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "interfaceStats", &rejected);
  if (!ref) return rejected;
  return Dispatch(
      new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kInterfaceStats, dev));
}

Napi::Value Connection::MemoryStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "memoryStats", &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kMemoryStats));
}

namespace {

// The requests of domainsDetailPacked, packed by src/libvirt/detail-packed.ts
// (packRequests, which checks them): `names` holds each request's UUID, then
// its disk targets, then its NIC targets, each ended by a NUL; `shape` holds
// three numbers per request: flags (1 info, 2 vCPUs, 4 memory), the disk
// count and the NIC count. One string and one typed array instead of some
// ten property reads per request (5.6 us each through Node-API).
std::vector<DomainsDetailWorker::Request> DetailRequests(Napi::Env env, const std::string& names,
                                                         const int32_t* shape, size_t shapeLen) {
  if (shapeLen % 3 != 0) ThrowType(env, "shape must hold three numbers per request");
  std::vector<DomainsDetailWorker::Request> requests(shapeLen / 3);
  size_t at = 0;
  auto next = [&](size_t k) {
    size_t end = names.find('\0', at);
    if (end == std::string::npos) ThrowType(env, "names end before request " + std::to_string(k) + "'s last name");
    std::string out = names.substr(at, end - at);
    at = end + 1;
    return out;
  };
  for (size_t k = 0; k < requests.size(); k++) {
    DomainsDetailWorker::Request& r = requests[k];
    int32_t flags = shape[3 * k];
    int32_t nDisks = shape[3 * k + 1];
    int32_t nNics = shape[3 * k + 2];
    // each name takes at least its NUL: larger counts cannot be right (and must not size an allocation)
    if (flags < 0 || flags > 7 || nDisks < 0 || nNics < 0 || static_cast<size_t>(nDisks) + nNics > names.size())
      ThrowType(env, "shape of request " + std::to_string(k) + " is out of range");
    r.uuid = next(k);
    r.info = (flags & 1) != 0;
    r.vcpus = (flags & 2) != 0;
    r.memory = (flags & 4) != 0;
    r.disks.reserve(nDisks);
    for (int32_t i = 0; i < nDisks; i++) r.disks.push_back(next(k));
    r.nics.reserve(nNics);
    for (int32_t i = 0; i < nNics; i++) r.nics.push_back(next(k));
  }
  if (at != names.size()) ThrowType(env, "names has more than the shape asks for");
  return requests;
}

}  // namespace

Napi::Value Connection::DomainsDetail(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string names = ArgString(info, 0, "names");
  if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    ThrowType(env, "shape must be an Int32Array");
  Napi::Int32Array shape = info[1].As<Napi::Int32Array>();
  std::vector<DomainsDetailWorker::Request> requests = DetailRequests(env, names, shape.Data(), shape.ElementLength());
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "domainsDetail", &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainsDetailWorker(env, std::move(ref), std::move(requests)));
}

Napi::Value Connection::DomainXmls(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> uuids =
      StringArray(env, info.Length() > 0 ? info[0] : env.Undefined(), "uuids");
  uint32_t flags = ArgUint32(info, 1, "flags");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "domainXmls", &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainXmlsWorker(env, std::move(ref), std::move(uuids), flags));
}

Napi::Value Connection::InterfaceAddresses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  uint32_t source = ArgUint32(info, 1, "source");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "interfaceAddresses", &rejected);
  if (!ref) return rejected;
  return Dispatch(new InterfaceAddressesWorker(env, std::move(ref), uuid, source));
}

Napi::Value Connection::NodeCellsFreeMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "nodeCellsFreeMemory", &rejected);
  if (!ref) return rejected;
  return Dispatch(new NodeCellsWorker(env, std::move(ref)));
}

Napi::Value Connection::ListStoragePools(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "listStoragePools", &rejected);
  if (!ref) return rejected;
  return Dispatch(new ListPoolsWorker(env, std::move(ref)));
}

Napi::Value Connection::ListVolumes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string pool = ArgString(info, 0, "poolUuid");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "listVolumes", &rejected);
  if (!ref) return rejected;
  return Dispatch(new ListVolumesWorker(env, std::move(ref), pool));
}

Napi::Value Connection::ListNetworks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "listNetworks", &rejected);
  if (!ref) return rejected;
  return Dispatch(new ListNetworksWorker(env, std::move(ref)));
}

Napi::Value Connection::NetworkDhcpLeases(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string net = ArgString(info, 0, "networkUuid");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "networkDhcpLeases", &rejected);
  if (!ref) return rejected;
  return Dispatch(new NetworkLeasesWorker(env, std::move(ref), net));
}

Napi::Value Connection::Vcpus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, "vcpus", &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainQueryWorker(env, std::move(ref), uuid, DomainQueryWorker::kVcpus));
}

template <DomainOpWorker::Op op>
Napi::Value Connection::DomainOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uuid = ArgString(info, 0, "uuid");
  uint64_t arg = 0;
  uint32_t flags = 0;
  switch (op) {
    case DomainOpWorker::kSetMemory:
      arg = ArgUint64(info, 1, "memKiB");
      flags = ArgUint32(info, 2, "flags");
      break;
    case DomainOpWorker::kSetVcpus:
      arg = ArgUint32(info, 1, "count");
      flags = ArgUint32(info, 2, "flags");
      break;
    case DomainOpWorker::kSetMemoryStatsPeriod: {
      int32_t period = ArgInt32(info, 1, "periodSec");
      if (period < 0) ThrowType(env, "periodSec must be >= 0");
      arg = static_cast<uint64_t>(period);
      flags = ArgUint32(info, 2, "flags");
      break;
    }
    case DomainOpWorker::kSetAutostart:
      arg = ArgBool(info, 1, "autostart") ? 1 : 0;
      break;
    default: break;
  }
  Napi::Value rejected;
  ConnRef ref = AcquireOr(env, OpMethodName(op), &rejected);
  if (!ref) return rejected;
  return Dispatch(new DomainOpWorker(env, std::move(ref), uuid, op, arg, flags));
}

// ---- events ---------------------------------------------------------------------------

Napi::Value Connection::OnLifecycle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Function cb = ArgFunction(info, 0, "callback");
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->phase != ConnState::Phase::Open) {
      // fall through to the error below, outside the lock
    } else if (state_->reg.lifecycleId < 0) {
      throw state_->eventErrors.lifecycle.ToJs(env);
    } else {
      return Napi::Number::New(env, state_->hub->Add(env, EventHub::kLifecycle, cb));
    }
  }
  throw NotOpenError(env, "onLifecycle");
}

Napi::Value Connection::OnInventoryEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Function cb = ArgFunction(info, 0, "callback");
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->phase != ConnState::Phase::Open) {
      // error below
    } else if (!HasInventoryEvents(state_->reg)) {
      throw state_->eventErrors.inventory.ToJs(env);
    } else {
      return Napi::Number::New(env, state_->hub->Add(env, EventHub::kInventory, cb));
    }
  }
  throw NotOpenError(env, "onInventoryEvent");
}

Napi::Value Connection::OffLifecycle(const Napi::CallbackInfo& info) {
  int32_t id = ArgInt32(info, 0, "id");
  return Napi::Boolean::New(info.Env(), state_->hub->Remove(id));
}

Napi::Value Connection::OnClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Function cb = ArgFunction(info, 0, "callback");
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->phase != ConnState::Phase::Open) {
      // error below
    } else if (!state_->reg.closeCallback) {
      throw state_->eventErrors.close.ToJs(env);
    } else {
      state_->hub->Add(env, EventHub::kClose, cb);
      return env.Undefined();
    }
  }
  throw NotOpenError(env, "onClose");
}

}  // namespace virtop
