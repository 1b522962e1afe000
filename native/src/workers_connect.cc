#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>

#include "workers.h"

namespace virtop {

// ---- close ----------------------------------------------------------------

TeardownWorker::TeardownWorker(Napi::Env env, virConnectPtr conn, const EventRegistration& reg)
    : ConnWorker(env, "virtop:close", ConnRef()), conn_(conn), reg_(reg) {}

void TeardownWorker::Run() { TeardownConnection(conn_, reg_); }

// ---- open -----------------------------------------------------------------

OpenWorker::OpenWorker(Napi::Env env, std::shared_ptr<ConnState> state, std::string uri,
                       bool readonly)
    : ConnWorker(env, "virtop:open", ConnRef()),
      state_(std::move(state)),
      uri_(std::move(uri)),
      readonly_(readonly) {}

void OpenWorker::Run() {
  // An empty URI lets libvirt pick its default (LIBVIRT_DEFAULT_URI, config, probing).
  const char* name = uri_.empty() ? nullptr : uri_.c_str();
  virConnectPtr c = readonly_ ? virConnectOpenReadOnly(name)
                              : virConnectOpenAuth(name, virConnectAuthPtrDefault, 0);
  if (c == nullptr) {
    Fail(readonly_ ? "virConnectOpenReadOnly" : "virConnectOpenAuth");
    std::lock_guard<std::mutex> lock(state_->mu);
    // Back to Idle so the object can be reused, unless close() was called meanwhile.
    if (state_->phase == ConnState::Phase::Opening) state_->phase = ConnState::Phase::Idle;
    return;
  }

  EventRegistration reg;
  EventErrors evErrs;
  RegisterEvents(c, state_->hub, reg, evErrs);

  bool abandoned = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->phase == ConnState::Phase::Opening) {
      state_->phase = ConnState::Phase::Open;
      state_->conn = c;
      state_->uri = uri_;
      state_->reg = reg;
      state_->eventErrors = evErrs;
    } else {
      abandoned = true;  // close() ran while we were connecting
    }
  }
  if (abandoned) {
    TeardownConnection(c, reg);
    err_.Closed("open", "connection was closed while opening");
  }
}

// ---- connection info ------------------------------------------------------

ConnInfoWorker::ConnInfoWorker(Napi::Env env, ConnRef ref, Op op, int interval, unsigned count)
    : ConnWorker(env, "virtop:conninfo", std::move(ref)),
      op_(op),
      interval_(interval),
      count_(count) {}

void ConnInfoWorker::Run() {
  switch (op_) {
    case kUri: {
      char* s = virConnectGetURI(conn());
      if (s == nullptr) {
        Fail("virConnectGetURI");
        return;
      }
      str_ = s;
      free(s);
      break;
    }
    case kHostname: {
      char* s = virConnectGetHostname(conn());
      if (s == nullptr) {
        Fail("virConnectGetHostname");
        return;
      }
      str_ = s;
      free(s);
      break;
    }
    case kLibVersion: {
      unsigned long v = 0;
      if (virConnectGetLibVersion(conn(), &v) < 0) {
        Fail("virConnectGetLibVersion");
        return;
      }
      num_ = v;
      break;
    }
    case kIsAlive: {
      int r = virConnectIsAlive(conn());
      if (r < 0) {
        Fail("virConnectIsAlive");
        return;
      }
      flag_ = r == 1;
      break;
    }
    case kSetKeepAlive: {
      // 1 means the server does not support keepalive; not an error.
      if (virConnectSetKeepAlive(conn(), interval_, count_) < 0) {
        Fail("virConnectSetKeepAlive");
        return;
      }
      break;
    }
  }
}

Napi::Value ConnInfoWorker::Result(Napi::Env env) {
  switch (op_) {
    case kUri:
    case kHostname: return Napi::String::New(env, str_);
    case kLibVersion: return Napi::Number::New(env, static_cast<double>(num_));
    case kIsAlive: return Napi::Boolean::New(env, flag_);
    case kSetKeepAlive: return env.Undefined();
  }
  return env.Undefined();
}

}  // namespace virtop
