// Module entry point: exports { Connection, redirectStderr, restoreStderr, pendingCalls, libvirtVersion, memoryStatNames, _typedParamRoundTrip }.
#include <libvirt/libvirt.h>
#include <napi.h>

#include "addon_data.h"
#include "connection.h"
#include "errors.h"
#include "stderr_capture.h"
#include "typed_params.h"
#include "workers.h"

namespace {

// Calls on every connection of this environment begun and not yet settled.
Napi::Value PendingCalls(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(virtop::AddonData::Of(info.Env()).completer->Pending()));
}

// The version of the libvirt library loaded in this process (not the one
// built against, nor a daemon's): major * 1e6 + minor * 1e3 + release.
Napi::Value LibvirtVersion(const Napi::CallbackInfo& info) {
  unsigned long libVer = 0;
  if (virGetVersion(&libVer, nullptr, nullptr) < 0) {
    virtop::LvError e;
    e.Capture("virGetVersion");
    throw e.ToJs(info.Env());
  }
  return Napi::Number::New(info.Env(), static_cast<double>(libVer));
}

// virDomainMemoryStats' tag names by tag number, as the one-call memoryStats
// names them: domainsDetail's packed answer carries the numbers.
Napi::Value MemoryStatNames(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env(), VIR_DOMAIN_MEMORY_STAT_NR);
  for (int tag = 0; tag < VIR_DOMAIN_MEMORY_STAT_NR; tag++) names.Set(static_cast<uint32_t>(tag), virtop::MemoryTagName(tag));
  return names;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (virInitialize() < 0) {
    virtop::LvError e;
    e.Capture("virInitialize");
    throw e.ToJs(env);
  }
  virtop::InstallSilentErrorHandler();

  auto* data = new virtop::AddonData();
  data->completer = virtop::Completer::Create(env);
  env.SetInstanceData(data);
  std::shared_ptr<std::atomic<bool>> flag = data->tearingDown;
  env.AddCleanupHook([flag] { flag->store(true); });

  exports.Set("Connection", virtop::Connection::Define(env));
  exports.Set("redirectStderr", Napi::Function::New(env, virtop::RedirectStderr, "redirectStderr"));
  exports.Set("restoreStderr", Napi::Function::New(env, virtop::RestoreStderr, "restoreStderr"));
  exports.Set("libvirtVersion", Napi::Function::New(env, LibvirtVersion, "libvirtVersion"));
  exports.Set("pendingCalls", Napi::Function::New(env, PendingCalls, "pendingCalls"));
  exports.Set("memoryStatNames", Napi::Function::New(env, MemoryStatNames, "memoryStatNames"));
  exports.Set("_typedParamRoundTrip", Napi::Function::New(env, virtop::TypedParamRoundTrip,
                                                          "_typedParamRoundTrip"));
  return exports;
}

}  // namespace

NODE_API_MODULE(virtop_libvirt, Init)
