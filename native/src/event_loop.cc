#include "event_loop.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <pthread.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace virtop {

namespace {

std::once_flag g_once;
bool g_ok = false;
// Heap-allocated and never freed: the detached loop thread may outlive
// static destruction at process exit.
LvError* g_initError = nullptr;

void RunLoopForever() {
  pthread_setname_np(pthread_self(), "virtop-events");
  for (;;) {
    if (virEventRunDefaultImpl() < 0) {
      // Should not happen; avoid a hot spin if it does.
      virResetLastError();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace

bool EnsureEventLoop(LvError* err) {
  std::call_once(g_once, [] {
    if (virEventRegisterDefaultImpl() < 0) {
      g_initError = new LvError();
      g_initError->Capture("virEventRegisterDefaultImpl");
      return;
    }
    std::thread(RunLoopForever).detach();
    g_ok = true;
  });
  if (!g_ok && err != nullptr && g_initError != nullptr) *err = *g_initError;
  return g_ok;
}

}  // namespace virtop
