#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstring>
#include <vector>

#include "workers.h"

namespace virtop {

NodeWorker::NodeWorker(Napi::Env env, ConnRef ref, Op op)
    : ConnWorker(env, "virtop:node", std::move(ref)), op_(op) {}

namespace {

const char* const kCpuFields[4] = {VIR_NODE_CPU_STATS_KERNEL, VIR_NODE_CPU_STATS_USER,
                                   VIR_NODE_CPU_STATS_IDLE, VIR_NODE_CPU_STATS_IOWAIT};
const char* const kMemFields[4] = {VIR_NODE_MEMORY_STATS_TOTAL, VIR_NODE_MEMORY_STATS_FREE,
                                   VIR_NODE_MEMORY_STATS_BUFFERS, VIR_NODE_MEMORY_STATS_CACHED};

template <typename Stat>
void Pick(const std::vector<Stat>& stats, int n, const char* const fields[4], bool has[4],
          uint64_t val[4]) {
  for (int k = 0; k < n; k++) {
    for (int f = 0; f < 4; f++) {
      if (std::strcmp(stats[k].field, fields[f]) == 0) {
        has[f] = true;
        val[f] = stats[k].value;
      }
    }
  }
}

}  // namespace

void NodeWorker::Run() {
  switch (op_) {
    case kInfo:
      if (virNodeGetInfo(conn(), &info_) < 0) Fail("virNodeGetInfo");
      return;
    case kCpuStats: {
      int n = 0;
      if (virNodeGetCPUStats(conn(), VIR_NODE_CPU_STATS_ALL_CPUS, nullptr, &n, 0) < 0) {
        Fail("virNodeGetCPUStats");
        return;
      }
      if (n <= 0) return;
      std::vector<virNodeCPUStats> stats(n);
      if (virNodeGetCPUStats(conn(), VIR_NODE_CPU_STATS_ALL_CPUS, stats.data(), &n, 0) < 0) {
        Fail("virNodeGetCPUStats");
        return;
      }
      Pick(stats, n, kCpuFields, has_, val_);
      return;
    }
    case kMemoryStats: {
      int n = 0;
      if (virNodeGetMemoryStats(conn(), VIR_NODE_MEMORY_STATS_ALL_CELLS, nullptr, &n, 0) < 0) {
        Fail("virNodeGetMemoryStats");
        return;
      }
      if (n <= 0) return;
      std::vector<virNodeMemoryStats> stats(n);
      if (virNodeGetMemoryStats(conn(), VIR_NODE_MEMORY_STATS_ALL_CELLS, stats.data(), &n, 0) < 0) {
        Fail("virNodeGetMemoryStats");
        return;
      }
      Pick(stats, n, kMemFields, has_, val_);
      return;
    }
  }
}

Napi::Value NodeWorker::Result(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  auto opt = [&](const char* key, int f) {
    o.Set(key, has_[f] ? Napi::BigInt::New(env, val_[f]).As<Napi::Value>() : env.Null());
  };
  switch (op_) {
    case kInfo: {
      // model is a fixed char[32] that libvirt may fill completely.
      o.Set("model", std::string(info_.model, strnlen(info_.model, sizeof(info_.model))));
      o.Set("memoryKiB", Napi::BigInt::New(env, static_cast<uint64_t>(info_.memory)));
      o.Set("cpus", info_.cpus);
      o.Set("mhz", info_.mhz);
      o.Set("nodes", info_.nodes);
      o.Set("sockets", info_.sockets);
      o.Set("cores", info_.cores);
      o.Set("threads", info_.threads);
      break;
    }
    case kCpuStats:
      opt("kernelNs", 0);
      opt("userNs", 1);
      opt("idleNs", 2);
      opt("iowaitNs", 3);
      break;
    case kMemoryStats:
      opt("totalKiB", 0);
      opt("freeKiB", 1);
      opt("buffersKiB", 2);
      opt("cachedKiB", 3);
      break;
  }
  return o;
}

// ---- nodeCellsFreeMemory ----------------------------------------------------

NodeCellsWorker::NodeCellsWorker(Napi::Env env, ConnRef ref)
    : ConnWorker(env, "virtop:nodeCells", std::move(ref)) {}

void NodeCellsWorker::Run() {
  // Drivers fill at most the cells they have and return how many.
  const int kMaxCells = 256;
  std::vector<unsigned long long> mems(kMaxCells, 0);
  int n = virNodeGetCellsFreeMemory(conn(), mems.data(), 0, kMaxCells);
  if (n < 0) {
    Fail("virNodeGetCellsFreeMemory");
    return;
  }
  mems.resize(n);
  free_ = std::move(mems);
}

Napi::Value NodeCellsWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, free_.size());
  for (size_t k = 0; k < free_.size(); k++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("cell", static_cast<double>(k));
    o.Set("freeBytes", Napi::BigInt::New(env, static_cast<uint64_t>(free_[k])));
    arr.Set(static_cast<uint32_t>(k), o);
  }
  return arr;
}

}  // namespace virtop
