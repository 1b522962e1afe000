// Storage pools and their volumes (with their XML, for the format), libvirt networks and their DHCP leases.
// Every call runs off the JS thread like the domain calls. An object that
// vanishes between being listed and being asked about (a pool undefined, a
// volume deleted, a network destroyed) is left out, not an error: it is
// simply gone.
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>

#include "workers.h"

namespace virtop {

namespace {

// Takes ownership of a string libvirt allocated; "" for null.
std::string Take(char* s) {
  if (s == nullptr) return std::string();
  std::string out(s);
  free(s);
  return out;
}

// True (and the error cleared) when the last libvirt error says the object is gone.
bool Vanished(int code) {
  virErrorPtr e = virGetLastError();
  if (e != nullptr && e->code == code) {
    virResetLastError();
    return true;
  }
  return false;
}

Napi::Value OptString(Napi::Env env, bool has, const std::string& s) {
  return has ? Napi::String::New(env, s).As<Napi::Value>() : env.Null();
}

}  // namespace

// ---- listStoragePools -------------------------------------------------------

ListPoolsWorker::ListPoolsWorker(Napi::Env env, ConnRef ref)
    : ConnWorker(env, "virtop:listStoragePools", std::move(ref)) {}

void ListPoolsWorker::Run() {
  virStoragePoolPtr* pools = nullptr;
  int n = virConnectListAllStoragePools(conn(), &pools, 0);
  if (n < 0) {
    Fail("virConnectListAllStoragePools");
    return;
  }
  bool ok = true;
  for (int k = 0; k < n; k++) {
    virStoragePoolPtr p = pools[k];
    if (ok) {
      Pool e;
      const char* name = virStoragePoolGetName(p);
      if (name != nullptr) e.name = name;
      char uuid[VIR_UUID_STRING_BUFLEN] = {0};
      if (virStoragePoolGetUUIDString(p, uuid) == 0) e.uuid = uuid;
      virStoragePoolInfo info{};
      const char* failed = nullptr;
      int autostart = 0;
      int persistent = 0;
      char* xml = nullptr;
      if (virStoragePoolGetInfo(p, &info) < 0)
        failed = "virStoragePoolGetInfo";
      else if (virStoragePoolGetAutostart(p, &autostart) < 0)
        failed = "virStoragePoolGetAutostart";
      else if ((persistent = virStoragePoolIsPersistent(p)) < 0)
        failed = "virStoragePoolIsPersistent";
      else if ((xml = virStoragePoolGetXMLDesc(p, 0)) == nullptr)
        failed = "virStoragePoolGetXMLDesc";
      if (failed == nullptr) {
        e.state = static_cast<int>(info.state);
        e.capacity = info.capacity;
        e.allocation = info.allocation;
        e.available = info.available;
        e.autostart = autostart == 1;
        e.persistent = persistent == 1;
        e.xml = Take(xml);
        pools_.push_back(std::move(e));
      } else if (!Vanished(VIR_ERR_NO_STORAGE_POOL)) {
        ok = Fail(failed);
      }
    }
    virStoragePoolFree(p);
  }
  free(pools);
}

Napi::Value ListPoolsWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, pools_.size());
  uint32_t k = 0;
  for (const Pool& e : pools_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("uuid", e.uuid);
    o.Set("state", e.state);
    o.Set("capacityBytes", Napi::BigInt::New(env, e.capacity));
    o.Set("allocationBytes", Napi::BigInt::New(env, e.allocation));
    o.Set("availableBytes", Napi::BigInt::New(env, e.available));
    o.Set("autostart", e.autostart);
    o.Set("persistent", e.persistent);
    o.Set("xml", e.xml);
    arr.Set(k++, o);
  }
  return arr;
}

// ---- listVolumes ------------------------------------------------------------

ListVolumesWorker::ListVolumesWorker(Napi::Env env, ConnRef ref, std::string poolUuid)
    : ConnWorker(env, "virtop:listVolumes", std::move(ref)), poolUuid_(std::move(poolUuid)) {}

void ListVolumesWorker::Annotate(LvError& err) { err.uuid = poolUuid_; }

void ListVolumesWorker::Run() {
  virStoragePoolPtr pool = virStoragePoolLookupByUUIDString(conn(), poolUuid_.c_str());
  if (pool == nullptr) {
    Fail("virStoragePoolLookupByUUIDString");
    return;
  }
  virStorageVolPtr* vols = nullptr;
  int n = virStoragePoolListAllVolumes(pool, &vols, 0);
  if (n < 0) {
    Fail("virStoragePoolListAllVolumes");
    virStoragePoolFree(pool);
    return;
  }
  bool ok = true;
  for (int k = 0; k < n; k++) {
    virStorageVolPtr v = vols[k];
    if (ok) {
      Volume e;
      const char* name = virStorageVolGetName(v);
      if (name != nullptr) e.name = name;
      const char* key = virStorageVolGetKey(v);
      if (key != nullptr) e.key = key;
      virStorageVolInfo info{};
      char* path = virStorageVolGetPath(v);
      char* xml = nullptr;
      if (path == nullptr) {
        if (!Vanished(VIR_ERR_NO_STORAGE_VOL)) ok = Fail("virStorageVolGetPath");
      } else if (virStorageVolGetInfo(v, &info) < 0) {
        free(path);
        if (!Vanished(VIR_ERR_NO_STORAGE_VOL)) ok = Fail("virStorageVolGetInfo");
      } else if ((xml = virStorageVolGetXMLDesc(v, 0)) == nullptr) {
        free(path);
        if (!Vanished(VIR_ERR_NO_STORAGE_VOL)) ok = Fail("virStorageVolGetXMLDesc");
      } else {
        e.path = Take(path);
        e.xml = Take(xml);
        e.type = info.type;
        e.capacity = info.capacity;
        e.allocation = info.allocation;
        vols_.push_back(std::move(e));
      }
    }
    virStorageVolFree(v);
  }
  free(vols);
  virStoragePoolFree(pool);
}

Napi::Value ListVolumesWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, vols_.size());
  uint32_t k = 0;
  for (const Volume& e : vols_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("key", e.key);
    o.Set("path", e.path);
    o.Set("type", e.type);
    o.Set("capacityBytes", Napi::BigInt::New(env, e.capacity));
    o.Set("allocationBytes", Napi::BigInt::New(env, e.allocation));
    o.Set("xml", e.xml);
    arr.Set(k++, o);
  }
  return arr;
}

// ---- listNetworks -------------------------------------------------------------

ListNetworksWorker::ListNetworksWorker(Napi::Env env, ConnRef ref)
    : ConnWorker(env, "virtop:listNetworks", std::move(ref)) {}

void ListNetworksWorker::Run() {
  virNetworkPtr* nets = nullptr;
  int n = virConnectListAllNetworks(conn(), &nets, 0);
  if (n < 0) {
    Fail("virConnectListAllNetworks");
    return;
  }
  bool ok = true;
  for (int k = 0; k < n; k++) {
    virNetworkPtr net = nets[k];
    if (ok) {
      Network e;
      const char* name = virNetworkGetName(net);
      if (name != nullptr) e.name = name;
      char uuid[VIR_UUID_STRING_BUFLEN] = {0};
      if (virNetworkGetUUIDString(net, uuid) == 0) e.uuid = uuid;
      int active = 0;
      int persistent = 0;
      int autostart = 0;
      char* xml = nullptr;
      const char* failed = nullptr;
      if ((active = virNetworkIsActive(net)) < 0)
        failed = "virNetworkIsActive";
      else if ((persistent = virNetworkIsPersistent(net)) < 0)
        failed = "virNetworkIsPersistent";
      else if (virNetworkGetAutostart(net, &autostart) < 0)
        failed = "virNetworkGetAutostart";
      else if ((xml = virNetworkGetXMLDesc(net, 0)) == nullptr)
        failed = "virNetworkGetXMLDesc";
      if (failed == nullptr) {
        e.active = active == 1;
        e.persistent = persistent == 1;
        e.autostart = autostart == 1;
        e.xml = Take(xml);
        // Networks that are not a bridge of their own (forward mode bridge
        // to a host bridge, hostdev, macvtap) have no bridge name: null.
        char* bridge = virNetworkGetBridgeName(net);
        if (bridge != nullptr) {
          e.hasBridge = true;
          e.bridge = Take(bridge);
        } else {
          virResetLastError();
        }
        nets_.push_back(std::move(e));
      } else if (!Vanished(VIR_ERR_NO_NETWORK)) {
        ok = Fail(failed);
      }
    }
    virNetworkFree(net);
  }
  free(nets);
}

Napi::Value ListNetworksWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, nets_.size());
  uint32_t k = 0;
  for (const Network& e : nets_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("uuid", e.uuid);
    o.Set("active", e.active);
    o.Set("persistent", e.persistent);
    o.Set("autostart", e.autostart);
    o.Set("bridge", OptString(env, e.hasBridge, e.bridge));
    o.Set("xml", e.xml);
    arr.Set(k++, o);
  }
  return arr;
}

// ---- networkDhcpLeases ----------------------------------------------------------

NetworkLeasesWorker::NetworkLeasesWorker(Napi::Env env, ConnRef ref, std::string netUuid)
    : ConnWorker(env, "virtop:networkDhcpLeases", std::move(ref)), netUuid_(std::move(netUuid)) {}

void NetworkLeasesWorker::Annotate(LvError& err) { err.uuid = netUuid_; }

void NetworkLeasesWorker::Run() {
  virNetworkPtr net = virNetworkLookupByUUIDString(conn(), netUuid_.c_str());
  if (net == nullptr) {
    Fail("virNetworkLookupByUUIDString");
    return;
  }
  virNetworkDHCPLeasePtr* leases = nullptr;
  int n = virNetworkGetDHCPLeases(net, nullptr, &leases, 0);
  if (n < 0) {
    Fail("virNetworkGetDHCPLeases");
    virNetworkFree(net);
    return;
  }
  for (int k = 0; k < n; k++) {
    virNetworkDHCPLeasePtr l = leases[k];
    Lease e;
    if (l->iface != nullptr) e.iface = l->iface;
    e.expirySec = static_cast<int64_t>(l->expirytime);
    e.type = l->type;
    e.hasMac = l->mac != nullptr;
    if (e.hasMac) e.mac = l->mac;
    if (l->ipaddr != nullptr) e.ip = l->ipaddr;
    e.prefix = l->prefix;
    e.hasHostname = l->hostname != nullptr;
    if (e.hasHostname) e.hostname = l->hostname;
    e.hasClientId = l->clientid != nullptr;
    if (e.hasClientId) e.clientId = l->clientid;
    leases_.push_back(std::move(e));
    virNetworkDHCPLeaseFree(l);
  }
  free(leases);
  virNetworkFree(net);
}

Napi::Value NetworkLeasesWorker::Result(Napi::Env env) {
  Napi::Array arr = Napi::Array::New(env, leases_.size());
  uint32_t k = 0;
  for (const Lease& e : leases_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("iface", e.iface);
    o.Set("expirySec", static_cast<double>(e.expirySec));
    o.Set("type", e.type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4");
    o.Set("mac", OptString(env, e.hasMac, e.mac));
    o.Set("ip", e.ip);
    o.Set("prefix", static_cast<double>(e.prefix));
    o.Set("hostname", OptString(env, e.hasHostname, e.hostname));
    o.Set("clientId", OptString(env, e.hasClientId, e.clientId));
    arr.Set(k++, o);
  }
  return arr;
}

}  // namespace virtop
