#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <algorithm>
#include <cstdlib>

#include "workers.h"

namespace virtop {

namespace {

std::string DomainUuid(virDomainPtr d) {
  char buf[VIR_UUID_STRING_BUFLEN];
  if (virDomainGetUUIDString(d, buf) < 0) return std::string();
  return std::string(buf);
}

std::string DomainName(virDomainPtr d) {
  const char* n = virDomainGetName(d);
  return n != nullptr ? std::string(n) : std::string();
}

// -1 from libvirt means "not supported by this driver" -> null.
Napi::Value NullableCounter(Napi::Env env, int64_t v) {
  if (v < 0) return env.Null();
  return Napi::BigInt::New(env, v);
}

// The readers below serve both the one-call workers and the batch
// (domainsDetail), so each libvirt query is written once. Each returns the
// libvirt function that failed, or nullptr; the error is then the calling
// thread's last libvirt error.

const char* ReadBlockCounters(virDomainPtr d, const std::string& dev, std::vector<int64_t>& out) {
  virDomainBlockStatsStruct st;
  if (virDomainBlockStats(d, dev.c_str(), &st, sizeof(st)) < 0) return "virDomainBlockStats";
  out = {st.rd_req, st.rd_bytes, st.wr_req, st.wr_bytes, st.errs};
  return nullptr;
}

const char* ReadInterfaceCounters(virDomainPtr d, const std::string& dev, std::vector<int64_t>& out) {
  virDomainInterfaceStatsStruct st;
  if (virDomainInterfaceStats(d, dev.c_str(), &st, sizeof(st)) < 0) return "virDomainInterfaceStats";
  out = {st.rx_bytes, st.rx_packets, st.rx_errs, st.rx_drop,
         st.tx_bytes, st.tx_packets, st.tx_errs, st.tx_drop};
  return nullptr;
}

const char* ReadMemoryStats(virDomainPtr d, std::vector<std::pair<int, uint64_t>>& out) {
  virDomainMemoryStatStruct st[VIR_DOMAIN_MEMORY_STAT_NR];
  int n = virDomainMemoryStats(d, st, VIR_DOMAIN_MEMORY_STAT_NR, 0);
  if (n < 0) return "virDomainMemoryStats";
  for (int k = 0; k < n; k++) out.emplace_back(st[k].tag, st[k].val);
  return nullptr;
}

// virDomainGetVcpus needs the count first; `info` saves that call when the
// caller already has it.
const char* ReadVcpus(virDomainPtr d, const virDomainInfo* known, std::vector<virVcpuInfo>& out) {
  virDomainInfo info;
  if (known != nullptr) {
    info = *known;
  } else if (virDomainGetInfo(d, &info) < 0) {
    return "virDomainGetInfo";
  }
  if (info.nrVirtCpu == 0) return nullptr;
  out.resize(info.nrVirtCpu);
  int n = virDomainGetVcpus(d, out.data(), info.nrVirtCpu, nullptr, 0);
  if (n < 0) {
    out.clear();
    return "virDomainGetVcpus";
  }
  out.resize(n);
  return nullptr;
}

}  // namespace

std::string MemoryTagName(int tag) {
  switch (tag) {
    case VIR_DOMAIN_MEMORY_STAT_SWAP_IN: return "swap_in";
    case VIR_DOMAIN_MEMORY_STAT_SWAP_OUT: return "swap_out";
    case VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT: return "major_fault";
    case VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT: return "minor_fault";
    case VIR_DOMAIN_MEMORY_STAT_UNUSED: return "unused";
    case VIR_DOMAIN_MEMORY_STAT_AVAILABLE: return "available";
    case VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON: return "actual_balloon";
    case VIR_DOMAIN_MEMORY_STAT_RSS: return "rss";
    case VIR_DOMAIN_MEMORY_STAT_USABLE: return "usable";
    case VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE: return "last_update";
    case VIR_DOMAIN_MEMORY_STAT_DISK_CACHES: return "disk_caches";
    case VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC: return "hugetlb_pgalloc";
    case VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL: return "hugetlb_pgfail";
    default: return "tag_" + std::to_string(tag);  // newer than our headers
  }
}

namespace {

Napi::Object InfoObject(Napi::Env env, const virDomainInfo& info) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("state", static_cast<int>(info.state));
  o.Set("maxMemKiB", Napi::BigInt::New(env, static_cast<uint64_t>(info.maxMem)));
  o.Set("memoryKiB", Napi::BigInt::New(env, static_cast<uint64_t>(info.memory)));
  o.Set("nrVirtCpu", static_cast<int>(info.nrVirtCpu));
  o.Set("cpuTimeNs", Napi::BigInt::New(env, static_cast<uint64_t>(info.cpuTime)));
  return o;
}

Napi::Object CountersObject(Napi::Env env, const std::vector<int64_t>& counters,
                            const char* const* keys, size_t nkeys) {
  Napi::Object o = Napi::Object::New(env);
  for (size_t k = 0; k < counters.size() && k < nkeys; k++) o.Set(keys[k], NullableCounter(env, counters[k]));
  return o;
}

const char* const kBlockKeys[] = {"rdReq", "rdBytes", "wrReq", "wrBytes", "errs"};
const char* const kInterfaceKeys[] = {"rxBytes", "rxPackets", "rxErrs", "rxDrop",
                                      "txBytes", "txPackets", "txErrs", "txDrop"};

Napi::Object BlockObject(Napi::Env env, const std::vector<int64_t>& c) {
  return CountersObject(env, c, kBlockKeys, 5);
}

Napi::Object InterfaceObject(Napi::Env env, const std::vector<int64_t>& c) {
  return CountersObject(env, c, kInterfaceKeys, 8);
}

Napi::Object MemoryObject(Napi::Env env, const std::vector<std::pair<int, uint64_t>>& stats) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& kv : stats) o.Set(MemoryTagName(kv.first), Napi::BigInt::New(env, kv.second));
  return o;
}

Napi::Array VcpusArray(Napi::Env env, const std::vector<virVcpuInfo>& vcpus) {
  Napi::Array arr = Napi::Array::New(env, vcpus.size());
  for (size_t k = 0; k < vcpus.size(); k++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("number", vcpus[k].number);
    o.Set("state", vcpus[k].state);
    o.Set("cpuTimeNs", Napi::BigInt::New(env, static_cast<uint64_t>(vcpus[k].cpuTime)));
    o.Set("cpu", vcpus[k].cpu);
    arr.Set(static_cast<uint32_t>(k), o);
  }
  return arr;
}

}  // namespace

// ---- listAllDomains -------------------------------------------------------

ListDomainsWorker::ListDomainsWorker(Napi::Env env, ConnRef ref, uint32_t flags)
    : ConnWorker(env, "virtop:listAllDomains", std::move(ref)), flags_(flags) {}

void ListDomainsWorker::Run() {
  virDomainPtr* doms = nullptr;
  int n = virConnectListAllDomains(conn(), &doms, flags_);
  if (n < 0) {
    Fail("virConnectListAllDomains");
    return;
  }
  bool ok = true;
  for (int k = 0; k < n; k++) {
    virDomainPtr d = doms[k];
    if (ok) {
      Entry e;
      e.name = DomainName(d);
      e.uuid = DomainUuid(d);
      unsigned int id = virDomainGetID(d);
      e.id = id == static_cast<unsigned int>(-1) ? -1 : static_cast<int>(id);
      int state = 0, reason = 0, persistent = 0, active = 0;
      const char* failed = nullptr;
      if (virDomainGetState(d, &state, &reason, 0) < 0)
        failed = "virDomainGetState";
      else if ((persistent = virDomainIsPersistent(d)) < 0)
        failed = "virDomainIsPersistent";
      else if ((active = virDomainIsActive(d)) < 0)
        failed = "virDomainIsActive";
      if (failed == nullptr) {
        e.state = state;
        e.persistent = persistent == 1;
        e.active = active == 1;
        entries_.push_back(std::move(e));
      } else {
        virErrorPtr le = virGetLastError();
        if (le != nullptr && le->code == VIR_ERR_NO_DOMAIN) {
          // Vanished between listing and querying: it is simply gone.
          virResetLastError();
        } else {
          ok = Fail(failed);
          err_.uuid = e.uuid;
          err_.domainName = e.name;
        }
      }
    }
    virDomainFree(d);
  }
  free(doms);
}

Napi::Value ListDomainsWorker::Result(Napi::Env env) {
  return ObjectArray(env, entries_, [](Napi::Object& o, const Entry& e) {
    o.Set("name", e.name);
    o.Set("uuid", e.uuid);
    o.Set("id", e.id);
    o.Set("state", e.state);
    o.Set("persistent", e.persistent);
    o.Set("active", e.active);
  });
}

// ---- listDomainNames ------------------------------------------------------

ListDomainNamesWorker::ListDomainNamesWorker(Napi::Env env, ConnRef ref, uint32_t flags)
    : ConnWorker(env, "virtop:listDomainNames", std::move(ref)), flags_(flags) {}

void ListDomainNamesWorker::Run() {
  virDomainPtr* doms = nullptr;
  int n = virConnectListAllDomains(conn(), &doms, flags_);
  if (n < 0) {
    Fail("virConnectListAllDomains");
    return;
  }
  // Name and UUID live in the virDomain object: no further round trips.
  for (int k = 0; k < n; k++) {
    entries_.emplace_back(DomainName(doms[k]), DomainUuid(doms[k]));
    virDomainFree(doms[k]);
  }
  free(doms);
}

Napi::Value ListDomainNamesWorker::Result(Napi::Env env) {
  return ObjectArray(env, entries_, [](Napi::Object& o, const std::pair<std::string, std::string>& e) {
    o.Set("name", e.first);
    o.Set("uuid", e.second);
  });
}

// ---- getAllDomainStats ----------------------------------------------------

AllDomainStatsWorker::AllDomainStatsWorker(Napi::Env env, ConnRef ref, uint32_t stats,
                                           uint32_t flags)
    : ConnWorker(env, "virtop:getAllDomainStats", std::move(ref)), stats_(stats), flags_(flags) {}

void AllDomainStatsWorker::Run() {
  virDomainStatsRecordPtr* recs = nullptr;
  int n = virConnectGetAllDomainStats(conn(), stats_, &recs, flags_);
  if (n < 0) {
    Fail("virConnectGetAllDomainStats");
    return;
  }
  records_.reserve(n);
  for (int k = 0; k < n; k++) {
    Record r;
    r.name = DomainName(recs[k]->dom);
    r.uuid = DomainUuid(recs[k]->dom);
    CopyTypedParams(recs[k]->params, recs[k]->nparams, r.params);
    records_.push_back(std::move(r));
  }
  // Frees the records and the domain handles they hold (here, off the JS thread).
  virDomainStatsRecordListFree(recs);
}

Napi::Value AllDomainStatsWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, records_.size());
  uint32_t k = 0;
  for (const Record& r : records_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", r.name);
    o.Set("uuid", r.uuid);
    o.Set("params", TypedValuesToObject(env, r.params));
    arr.Set(k++, o);
  }
  return arr;
}

// ---- per-domain queries ---------------------------------------------------

DomainQueryWorker::DomainQueryWorker(Napi::Env env, ConnRef ref, std::string uuid, Op op,
                                     std::string device, uint32_t flags)
    : DomainWorker(env, "virtop:domainQuery", std::move(ref), std::move(uuid)),
      op_(op),
      device_(std::move(device)),
      flags_(flags) {}

void DomainQueryWorker::Run() {
  if (!Lookup()) return;
  switch (op_) {
    case kInfo:
      if (virDomainGetInfo(dom(), &info_) < 0) Fail("virDomainGetInfo");
      return;
    case kXml: {
      char* x = virDomainGetXMLDesc(dom(), flags_);
      if (x == nullptr) {
        Fail("virDomainGetXMLDesc");
        return;
      }
      xml_ = x;
      free(x);
      return;
    }
    case kBlockStats:
      if (const char* failed = ReadBlockCounters(dom(), device_, counters_)) Fail(failed);
      return;
    case kInterfaceStats:
      if (const char* failed = ReadInterfaceCounters(dom(), device_, counters_)) Fail(failed);
      return;
    case kMemoryStats:
      if (const char* failed = ReadMemoryStats(dom(), memStats_)) Fail(failed);
      return;
    case kVcpus:
      if (const char* failed = ReadVcpus(dom(), nullptr, vcpus_)) Fail(failed);
      return;
    case kDiskErrors: {
      // First the count, then the errors; QEMU keeps each disk's error until the guest resumes.
      int n = virDomainGetDiskErrors(dom(), nullptr, 0, 0);
      if (n < 0) {
        Fail("virDomainGetDiskErrors");
        return;
      }
      if (n == 0) return;
      std::vector<virDomainDiskError> errs(n);
      n = virDomainGetDiskErrors(dom(), errs.data(), static_cast<unsigned int>(n), 0);
      if (n < 0) {
        Fail("virDomainGetDiskErrors");
        return;
      }
      for (int k = 0; k < n; k++) {
        diskErrors_.emplace_back(errs[k].disk != nullptr ? errs[k].disk : "", errs[k].error);
        free(errs[k].disk);
      }
      return;
    }
  }
}


Napi::Value DomainQueryWorker::Result(Napi::Env env) {
  switch (op_) {
    case kInfo: return InfoObject(env, info_);
    case kXml: return Napi::String::New(env, xml_);
    case kBlockStats: return BlockObject(env, counters_);
    case kInterfaceStats: return InterfaceObject(env, counters_);
    case kMemoryStats: return MemoryObject(env, memStats_);
    case kVcpus: return VcpusArray(env, vcpus_);
    case kDiskErrors: {
      Napi::Array arr = Napi::Array::New(env, diskErrors_.size());
      for (size_t k = 0; k < diskErrors_.size(); k++) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("disk", diskErrors_[k].first);
        o.Set("error", diskErrors_[k].second);
        arr.Set(static_cast<uint32_t>(k), o);
      }
      return arr;
    }
  }
  return env.Undefined();
}

// ---- domainsDetail --------------------------------------------------------

DomainsDetailWorker::DomainsDetailWorker(Napi::Env env, ConnRef ref, std::vector<Request> requests)
    : ConnWorker(env, "virtop:domainsDetail", std::move(ref)), requests_(std::move(requests)) {}

void DomainsDetailWorker::Run() {
  details_.resize(requests_.size());
  for (size_t k = 0; k < requests_.size(); k++) Query(requests_[k], details_[k]);
}

void DomainsDetailWorker::Query(const Request& req, Detail& out) {
  out.startNs = uv_hrtime();
  // Records the thread's last libvirt error as `err`, with the domain's names.
  auto capture = [&](LvError& err, const char* call) {
    err.Capture(call);
    err.uuid = req.uuid;
    err.domainName = out.name;
  };
  virDomainPtr d = virDomainLookupByUUIDString(conn(), req.uuid.c_str());
  if (d == nullptr) {
    capture(out.lookup, "virDomainLookupByUUIDString");
    out.endNs = uv_hrtime();
    return;
  }
  if (const char* n = virDomainGetName(d)) out.name = n;
  bool haveInfo = false;
  if (req.info || req.vcpus) {
    haveInfo = virDomainGetInfo(d, &out.info) == 0;
    if (!haveInfo) capture(req.info ? out.infoErr : out.vcpusErr, "virDomainGetInfo");
  }
  if (req.vcpus && haveInfo) {
    if (const char* failed = ReadVcpus(d, &out.info, out.vcpus)) capture(out.vcpusErr, failed);
  } else if (req.vcpus && req.info) {
    out.vcpusErr = out.infoErr;  // both needed the same failed call
  }
  if (req.memory) {
    if (const char* failed = ReadMemoryStats(d, out.memory)) capture(out.memoryErr, failed);
  }
  out.disks.resize(req.disks.size());
  out.diskErrs.resize(req.disks.size());
  for (size_t k = 0; k < req.disks.size(); k++) {
    if (const char* failed = ReadBlockCounters(d, req.disks[k], out.disks[k])) capture(out.diskErrs[k], failed);
  }
  out.nics.resize(req.nics.size());
  out.nicErrs.resize(req.nics.size());
  for (size_t k = 0; k < req.nics.size(); k++) {
    if (const char* failed = ReadInterfaceCounters(d, req.nics[k], out.nics[k])) capture(out.nicErrs[k], failed);
  }
  out.endNs = uv_hrtime();
  // Freed here, on the binding thread (see ConnWorker::ReleaseHandles).
  virDomainFree(d);
}

// The answer is packed, not one object per part: building ~50 properties and
// ~30 BigInts per domain through Node-API cost the JS thread ~21 us a domain
// (1000 test-driver domains: 21 ms of every tick), where JS builds the same
// objects from two typed arrays in a fraction of that (src/libvirt/
// detail-packed.ts reads them; the layout is written out there).
//   ints: per domain a lookup flag; per part asked for, a flag (0 ok, 1 the
//         next Error of `errors`), then for info state and nrVirtCpu, for
//         vCPUs their count and (number, state, cpu) each, for memory the
//         count and each stat's tag.
//   nums: per domain startNs and endNs; then for info maxMem, memory and
//         cpuTime, each vCPU's cpuTime, each memory stat's value, 5 block and
//         8 interface counters per device answered (-1: not supported).
Napi::Value DomainsDetailWorker::Result(Napi::Env env) {
  // Written to vectors, then copied into the typed arrays once: the layout
  // is stated once, in the writing, with no separate count to keep in step.
  std::vector<int32_t> ints;
  std::vector<int64_t> nums;
  ints.reserve(details_.size() * 4);
  nums.reserve(details_.size() * 16);
  Napi::Array errors = Napi::Array::New(env);
  uint32_t ne = 0;
  // Writes the part's flag; true when it was answered and its figures follow.
  auto flag = [&](const LvError& err) {
    if (err.set) {
      ints.push_back(1);
      errors.Set(ne++, err.ToJs(env).Value());
      return false;
    }
    ints.push_back(0);
    return true;
  };
  for (size_t k = 0; k < details_.size(); k++) {
    const Request& req = requests_[k];
    const Detail& d = details_[k];
    nums.push_back(static_cast<int64_t>(d.startNs));
    nums.push_back(static_cast<int64_t>(d.endNs));
    if (!flag(d.lookup)) continue;
    if (req.info && flag(d.infoErr)) {
      ints.push_back(static_cast<int32_t>(d.info.state));
      ints.push_back(static_cast<int32_t>(d.info.nrVirtCpu));
      nums.push_back(static_cast<int64_t>(d.info.maxMem));
      nums.push_back(static_cast<int64_t>(d.info.memory));
      nums.push_back(static_cast<int64_t>(d.info.cpuTime));
    }
    if (req.vcpus && flag(d.vcpusErr)) {
      ints.push_back(static_cast<int32_t>(d.vcpus.size()));
      for (const virVcpuInfo& v : d.vcpus) {
        ints.push_back(static_cast<int32_t>(v.number));
        ints.push_back(v.state);
        ints.push_back(v.cpu);
        nums.push_back(static_cast<int64_t>(v.cpuTime));
      }
    }
    if (req.memory && flag(d.memoryErr)) {
      ints.push_back(static_cast<int32_t>(d.memory.size()));
      for (const auto& kv : d.memory) {
        ints.push_back(kv.first);
        nums.push_back(static_cast<int64_t>(kv.second));
      }
    }
    for (size_t i = 0; i < d.disks.size(); i++) {
      if (!flag(d.diskErrs[i])) continue;
      for (int64_t c : d.disks[i]) nums.push_back(c);
    }
    for (size_t i = 0; i < d.nics.size(); i++) {
      if (!flag(d.nicErrs[i])) continue;
      for (int64_t c : d.nics[i]) nums.push_back(c);
    }
  }
  Napi::Int32Array intsJs = Napi::Int32Array::New(env, ints.size());
  std::copy(ints.begin(), ints.end(), intsJs.Data());
  Napi::BigInt64Array numsJs = Napi::BigInt64Array::New(env, nums.size());
  std::copy(nums.begin(), nums.end(), numsJs.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("ints", intsJs);
  out.Set("nums", numsJs);
  out.Set("errors", errors);
  return out;
}

// ---- domainXmls -----------------------------------------------------------

DomainXmlsWorker::DomainXmlsWorker(Napi::Env env, ConnRef ref, std::vector<std::string> uuids,
                                   uint32_t flags)
    : ConnWorker(env, "virtop:domainXmls", std::move(ref)), uuids_(std::move(uuids)), flags_(flags) {}

void DomainXmlsWorker::Run() {
  xmls_.resize(uuids_.size());
  errs_.resize(uuids_.size());
  for (size_t k = 0; k < uuids_.size(); k++) {
    LvError& err = errs_[k];
    virDomainPtr d = virDomainLookupByUUIDString(conn(), uuids_[k].c_str());
    if (d == nullptr) {
      err.Capture("virDomainLookupByUUIDString");
      err.uuid = uuids_[k];
      continue;
    }
    char* x = virDomainGetXMLDesc(d, flags_);
    if (x == nullptr) {
      err.Capture("virDomainGetXMLDesc");
      err.uuid = uuids_[k];
      if (const char* n = virDomainGetName(d)) err.domainName = n;
    } else {
      xmls_[k] = x;
      free(x);
    }
    virDomainFree(d);
  }
}

Napi::Value DomainXmlsWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, uuids_.size());
  for (size_t k = 0; k < uuids_.size(); k++) {
    arr.Set(static_cast<uint32_t>(k), errs_[k].set ? errs_[k].ToJs(env).Value()
                                                   : Napi::String::New(env, xmls_[k]).As<Napi::Value>());
  }
  return arr;
}

// ---- interfaceAddresses ---------------------------------------------------

InterfaceAddressesWorker::InterfaceAddressesWorker(Napi::Env env, ConnRef ref, std::string uuid,
                                                   uint32_t source)
    : DomainWorker(env, "virtop:interfaceAddresses", std::move(ref), std::move(uuid)),
      source_(source) {}

void InterfaceAddressesWorker::Run() {
  if (!Lookup()) return;
  virDomainInterfacePtr* ifaces = nullptr;
  int n = virDomainInterfaceAddresses(dom(), &ifaces, source_, 0);
  if (n < 0) {
    Fail("virDomainInterfaceAddresses");
    return;
  }
  for (int k = 0; k < n; k++) {
    virDomainInterfacePtr i = ifaces[k];
    Iface out;
    if (i->name != nullptr) out.name = i->name;
    if (i->hwaddr != nullptr) {
      out.hasHwaddr = true;
      out.hwaddr = i->hwaddr;
    }
    for (unsigned int a = 0; a < i->naddrs; a++) {
      const virDomainIPAddressPtr ip = &i->addrs[a];
      if (ip->addr == nullptr) continue;
      out.addrs.push_back(Addr{ip->type, ip->addr, ip->prefix});
    }
    ifaces_.push_back(std::move(out));
    virDomainInterfaceFree(i);
  }
  free(ifaces);
}

Napi::Value InterfaceAddressesWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, ifaces_.size());
  for (size_t k = 0; k < ifaces_.size(); k++) {
    const Iface& i = ifaces_[k];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", i.name);
    o.Set("hwaddr", i.hasHwaddr ? Napi::String::New(env, i.hwaddr).As<Napi::Value>() : env.Null());
    Napi::Array addrs = Napi::Array::New(env, i.addrs.size());
    for (size_t a = 0; a < i.addrs.size(); a++) {
      Napi::Object ao = Napi::Object::New(env);
      ao.Set("type", i.addrs[a].type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4");
      ao.Set("addr", i.addrs[a].addr);
      ao.Set("prefix", static_cast<double>(i.addrs[a].prefix));
      addrs.Set(static_cast<uint32_t>(a), ao);
    }
    o.Set("addrs", addrs);
    arr.Set(static_cast<uint32_t>(k), o);
  }
  return arr;
}

// ---- operations -----------------------------------------------------------

DomainOpWorker::DomainOpWorker(Napi::Env env, ConnRef ref, std::string uuid, Op op, uint64_t arg,
                               uint32_t flags)
    : DomainWorker(env, "virtop:domainOp", std::move(ref), std::move(uuid)),
      op_(op),
      arg_(arg),
      flags_(flags) {}

void DomainOpWorker::Run() {
  if (!Lookup()) return;
  virDomainPtr d = dom();
  switch (op_) {
    case kCreate:
      if (virDomainCreate(d) < 0) Fail("virDomainCreate");
      return;
    case kShutdown:
      if (virDomainShutdown(d) < 0) Fail("virDomainShutdown");
      return;
    case kReboot:
      if (virDomainReboot(d, 0) < 0) Fail("virDomainReboot");
      return;
    case kDestroy:
      if (virDomainDestroy(d) < 0) Fail("virDomainDestroy");
      return;
    case kSuspend:
      if (virDomainSuspend(d) < 0) Fail("virDomainSuspend");
      return;
    case kResume:
      if (virDomainResume(d) < 0) Fail("virDomainResume");
      return;
    case kSetMemory:
      if (virDomainSetMemoryFlags(d, static_cast<unsigned long>(arg_), flags_) < 0)
        Fail("virDomainSetMemoryFlags");
      return;
    case kSetVcpus:
      if (virDomainSetVcpusFlags(d, static_cast<unsigned int>(arg_), flags_) < 0)
        Fail("virDomainSetVcpusFlags");
      return;
    case kSetMemoryStatsPeriod:
      if (virDomainSetMemoryStatsPeriod(d, static_cast<int>(arg_), flags_) < 0)
        Fail("virDomainSetMemoryStatsPeriod");
      return;
    case kSetAutostart:
      if (virDomainSetAutostart(d, arg_ != 0 ? 1 : 0) < 0) Fail("virDomainSetAutostart");
      return;
  }
}

}  // namespace virtop
