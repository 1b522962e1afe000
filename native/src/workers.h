// All promise-returning calls, grouped by concern:
//   workers_connect.cc  open / close / connection info
//   workers_node.cc     host (node) information and counters
//   workers_domain.cc   domain listing, bulk stats, per-domain queries, operations
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conn_state.h"
#include "typed_params.h"
#include "worker.h"

namespace virtop {

// ---- connection ---------------------------------------------------------

class OpenWorker : public ConnWorker {
 public:
  OpenWorker(Napi::Env env, std::shared_ptr<ConnState> state, std::string uri, bool readonly);

 protected:
  void Run() override;

 private:
  std::shared_ptr<ConnState> state_;
  std::string uri_;
  bool readonly_;
};

// close(): deregisters the events and drops the state's reference, queued
// behind the calls already submitted (on a one-thread remote connection it
// must not overlap them). The promise settles once that is done, so a caller
// that awaits close() knows the disconnect happened, unless calls still in
// flight hold references of their own.
class TeardownWorker : public ConnWorker {
 public:
  TeardownWorker(Napi::Env env, virConnectPtr conn, const EventRegistration& reg);

 protected:
  void Run() override;

 private:
  virConnectPtr conn_;
  EventRegistration reg_;
};

class ConnInfoWorker : public ConnWorker {
 public:
  enum Op { kUri, kHostname, kLibVersion, kIsAlive, kSetKeepAlive };
  ConnInfoWorker(Napi::Env env, ConnRef ref, Op op, int interval = 0, unsigned count = 0);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  Op op_;
  int interval_;
  unsigned count_;
  std::string str_;
  uint64_t num_ = 0;
  bool flag_ = false;
};

// ---- node -----------------------------------------------------------------

class NodeWorker : public ConnWorker {
 public:
  enum Op { kInfo, kCpuStats, kMemoryStats };
  NodeWorker(Napi::Env env, ConnRef ref, Op op);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  Op op_;
  virNodeInfo info_{};
  // cpu: kernel,user,idle,iowait; memory: total,free,buffers,cached
  bool has_[4] = {false, false, false, false};
  uint64_t val_[4] = {0, 0, 0, 0};
};

// virNodeGetCellsFreeMemory: free memory per NUMA cell, in bytes.
class NodeCellsWorker : public ConnWorker {
 public:
  NodeCellsWorker(Napi::Env env, ConnRef ref);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::vector<unsigned long long> free_;
};

// ---- domains --------------------------------------------------------------

class ListDomainsWorker : public ConnWorker {
 public:
  ListDomainsWorker(Napi::Env env, ConnRef ref, uint32_t flags);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  struct Entry {
    std::string name, uuid;
    int id;
    int state;
    bool persistent, active;
  };
  uint32_t flags_;
  std::vector<Entry> entries_;
};

// virConnectListAllDomains with a filter (autostart, persistent, ...): name
// and UUID only, so one round trip however many domains there are.
class ListDomainNamesWorker : public ConnWorker {
 public:
  ListDomainNamesWorker(Napi::Env env, ConnRef ref, uint32_t flags);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  uint32_t flags_;
  std::vector<std::pair<std::string, std::string>> entries_;  // name, uuid
};

class AllDomainStatsWorker : public ConnWorker {
 public:
  AllDomainStatsWorker(Napi::Env env, ConnRef ref, uint32_t stats, uint32_t flags);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  struct Record {
    std::string name, uuid;
    TypedValues params;
  };
  uint32_t stats_, flags_;
  std::vector<Record> records_;
};

class DomainQueryWorker : public DomainWorker {
 public:
  enum Op { kInfo, kXml, kBlockStats, kInterfaceStats, kMemoryStats, kVcpus, kDiskErrors };
  DomainQueryWorker(Napi::Env env, ConnRef ref, std::string uuid, Op op,
                    std::string device = std::string(), uint32_t flags = 0);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  Op op_;
  std::string device_;
  uint32_t flags_;
  virDomainInfo info_{};
  std::string xml_;
  std::vector<int64_t> counters_;  // block: 5, interface: 8 (-1 = unsupported)
  std::vector<std::pair<int, uint64_t>> memStats_;
  std::vector<virVcpuInfo> vcpus_;
  std::vector<std::pair<std::string, int>> diskErrors_;  // target, virDomainDiskErrorCode
};

// virDomainMemoryStats' name for a tag ("swap_in"; "tag_N" for one newer than our headers).
std::string MemoryTagName(int tag);

// The per-domain queries for many domains in one job: for each request,
// virDomainGetInfo, virDomainGetVcpus, virDomainMemoryStats and block and
// interface stats of the named devices, whichever it asks for. One job
// instead of one per call: the calls run back to back on a binding thread
// and come back as two typed arrays (packed: see Result), so the JS thread
// pays for one promise, not five per domain, and builds no objects through
// Node-API. Each domain's answer carries when it was read (uv_hrtime,
// the clock of process.hrtime) and each call's own error, so one failing
// call fails only itself.
class DomainsDetailWorker : public ConnWorker {
 public:
  struct Request {
    std::string uuid;
    bool info = false;
    bool vcpus = false;
    bool memory = false;
    std::vector<std::string> disks;
    std::vector<std::string> nics;
  };
  DomainsDetailWorker(Napi::Env env, ConnRef ref, std::vector<Request> requests);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  // A call's error, or none (set == false).
  using Outcome = LvError;
  struct Detail {
    std::string name;
    uint64_t startNs = 0;
    uint64_t endNs = 0;
    LvError lookup;  // set: nothing else was asked
    Outcome infoErr;
    virDomainInfo info{};
    Outcome vcpusErr;
    std::vector<virVcpuInfo> vcpus;
    Outcome memoryErr;
    std::vector<std::pair<int, uint64_t>> memory;
    std::vector<Outcome> diskErrs;
    std::vector<std::vector<int64_t>> disks;
    std::vector<Outcome> nicErrs;
    std::vector<std::vector<int64_t>> nics;
  };
  void Query(const Request& req, Detail& out);

  std::vector<Request> requests_;
  std::vector<Detail> details_;
};

// virDomainGetXMLDesc for many domains in one job, for the same reason as
// DomainsDetailWorker: one promise instead of one per domain. Each answer is
// the XML or that domain's error.
class DomainXmlsWorker : public ConnWorker {
 public:
  DomainXmlsWorker(Napi::Env env, ConnRef ref, std::vector<std::string> uuids, uint32_t flags);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::vector<std::string> uuids_;
  uint32_t flags_;
  std::vector<std::string> xmls_;
  std::vector<LvError> errs_;
};

// virDomainInterfaceAddresses: the guest's addresses per interface, from
// one source (0 lease, 1 agent, 2 arp; virDomainInterfaceAddressesSource).
class InterfaceAddressesWorker : public DomainWorker {
 public:
  InterfaceAddressesWorker(Napi::Env env, ConnRef ref, std::string uuid, uint32_t source);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  struct Addr {
    int type;  // virIPAddrType: 0 ipv4, 1 ipv6
    std::string addr;
    unsigned int prefix;
  };
  struct Iface {
    std::string name;
    bool hasHwaddr = false;
    std::string hwaddr;
    std::vector<Addr> addrs;
  };
  uint32_t source_;
  std::vector<Iface> ifaces_;
};

class DomainOpWorker : public DomainWorker {
 public:
  enum Op { kCreate, kShutdown, kReboot, kDestroy, kSuspend, kResume,
            kSetMemory, kSetVcpus, kSetMemoryStatsPeriod, kSetAutostart };
  DomainOpWorker(Napi::Env env, ConnRef ref, std::string uuid, Op op,
                 uint64_t arg = 0, uint32_t flags = 0);

 protected:
  void Run() override;

 private:
  Op op_;
  uint64_t arg_;
  uint32_t flags_;
};

// ---- storage and networks (workers_storage.cc) -----------------------------

// virConnectListAllStoragePools with each pool's info, autostart, persistence and XML.
class ListPoolsWorker : public ConnWorker {
 public:
  ListPoolsWorker(Napi::Env env, ConnRef ref);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  struct Pool {
    std::string name, uuid, xml;
    int state = 0;  // virStoragePoolState
    uint64_t capacity = 0, allocation = 0, available = 0;
    bool autostart = false, persistent = false;
  };
  std::vector<Pool> pools_;
};

// virStoragePoolListAllVolumes of one pool (by UUID) with each volume's path, info and XML.
class ListVolumesWorker : public ConnWorker {
 public:
  ListVolumesWorker(Napi::Env env, ConnRef ref, std::string poolUuid);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;
  void Annotate(LvError& err) override;

 private:
  struct Volume {
    std::string name, key, path, xml;
    int type = 0;  // virStorageVolType
    uint64_t capacity = 0, allocation = 0;
  };
  std::string poolUuid_;
  std::vector<Volume> vols_;
};

// virConnectListAllNetworks with each network's state, bridge and XML.
class ListNetworksWorker : public ConnWorker {
 public:
  ListNetworksWorker(Napi::Env env, ConnRef ref);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  struct Network {
    std::string name, uuid, xml, bridge;
    bool hasBridge = false, active = false, persistent = false, autostart = false;
  };
  std::vector<Network> nets_;
};

// virNetworkGetDHCPLeases of one network (by UUID).
class NetworkLeasesWorker : public ConnWorker {
 public:
  NetworkLeasesWorker(Napi::Env env, ConnRef ref, std::string netUuid);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;
  void Annotate(LvError& err) override;

 private:
  struct Lease {
    std::string iface, mac, ip, hostname, clientId;
    bool hasMac = false, hasHostname = false, hasClientId = false;
    int64_t expirySec = 0;
    int type = 0;  // virIPAddrType
    unsigned int prefix = 0;
  };
  std::string netUuid_;
  std::vector<Lease> leases_;
};

}  // namespace virtop
