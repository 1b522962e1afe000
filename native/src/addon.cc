// Module entry point: exports { Connection, redirectStderr, restoreStderr, _typedParamRoundTrip }.
#include <libvirt/libvirt.h>
#include <napi.h>

#include "addon_data.h"
#include "connection.h"
#include "errors.h"
#include "stderr_capture.h"
#include "typed_params.h"

namespace {

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
  exports.Set("_typedParamRoundTrip", Napi::Function::New(env, virtop::TypedParamRoundTrip,
                                                          "_typedParamRoundTrip"));
  return exports;
}

}  // namespace

NODE_API_MODULE(virtop_libvirt, Init)
