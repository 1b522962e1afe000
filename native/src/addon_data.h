// Per-environment addon data (napi instance data, set in addon.cc).
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

#include "dispatcher.h"

namespace virtop {

struct AddonData {
  // Set by an environment cleanup hook: at process exit nothing is closed
  // explicitly (the OS reclaims sockets; no threads are started then).
  std::shared_ptr<std::atomic<bool>> tearingDown = std::make_shared<std::atomic<bool>>(false);
  // Brings finished jobs back to this environment's JS thread. Shared with
  // every job, so it outlives this struct if calls are still running.
  std::shared_ptr<Completer> completer;

  static AddonData& Of(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace virtop
