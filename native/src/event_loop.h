// libvirt's default event loop, run forever on one detached thread.
//
// Needed for domain events, close callbacks and keepalive. The thread is
// detached and touches no Node state, so it never keeps the process alive.
#pragma once

#include "errors.h"

namespace virtop {

// Registers the default event implementation (once per process) and starts
// the loop thread. Must run before the first virConnectOpen*. Returns false
// and fills *err if libvirt refused. Cheap and non-blocking after the first call.
bool EnsureEventLoop(LvError* err);

}  // namespace virtop
