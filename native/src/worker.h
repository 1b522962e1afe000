// Base classes for promise-returning libvirt calls.
//
// A worker is a Job (dispatcher.h): created on the JS thread with its own
// connection reference and already-validated arguments, it owns a
// Promise::Deferred, runs its libvirt calls in Execute() (on one of the
// binding's threads; no N-API there), keeps results and any libvirt error as
// plain C++ data, and settles the promise in OnOK/OnError on the JS thread.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "addon_data.h"
#include "conn_state.h"
#include "dispatcher.h"
#include "errors.h"

namespace virtop {

class ConnWorker : public Job {
 public:
  // `name` ("virtop:open", ...) only labels the call group at the call site.
  ConnWorker(Napi::Env env, const char* /*name*/, ConnRef ref)
      : Job(AddonData::Of(env).completer),
        deferred_(Napi::Promise::Deferred::New(env)),
        ref_(std::move(ref)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  // Worker thread. Return normally; report failure with Fail().
  virtual void Run() = 0;
  // JS thread, only when Run() did not fail.
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  // Adds context (domain uuid/name) to an error; worker thread.
  virtual void Annotate(LvError& /*err*/) {}
  // Worker thread, after Run(): free every libvirt object still held. A
  // virDomainPtr holds a connection reference too, so freeing one later on
  // the JS thread could turn into a blocking disconnect.
  virtual void ReleaseHandles() {}

  // Records the current thread's libvirt error for `call`. Returns false so
  // callers can `return Fail("virX")`-style bail out of helpers.
  bool Fail(const char* call) {
    err_.Capture(call);
    Annotate(err_);
    return false;
  }

  virConnectPtr conn() const { return ref_.get(); }
  ConnRef& ref() { return ref_; }

  LvError err_;

 private:
  void Execute() final {
    // Even if Run() throws: drop our handles and reference here, off the JS
    // thread. If close() already ran, this is the last reference and
    // virConnectClose does the real disconnect.
    struct Cleanup {
      ConnWorker* w;
      ~Cleanup() {
        w->ReleaseHandles();
        w->ref_.Release();
      }
    } cleanup{this};
    Run();
  }

  void OnOK(Napi::Env env) final {
    if (err_.set) {
      deferred_.Reject(err_.ToJs(env).Value());
      return;
    }
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  // Only reached for a C++ exception thrown inside Execute() (e.g. bad_alloc),
  // or when no thread could be started for the call.
  void OnError(Napi::Env env, const std::string& message) final {
    deferred_.Reject(Napi::Error::New(env, message).Value());
  }

  Napi::Promise::Deferred deferred_;
  ConnRef ref_;
};

// A call on one domain, addressed by UUID string.
class DomainWorker : public ConnWorker {
 public:
  DomainWorker(Napi::Env env, const char* name, ConnRef ref, std::string uuid)
      : ConnWorker(env, name, std::move(ref)), uuid_(std::move(uuid)) {}

 protected:
  // Worker thread: virDomainLookupByUUIDString (+ local name lookup for
  // error context). A vanished domain fails with VIR_ERR_NO_DOMAIN (42).
  bool Lookup() {
    virDomainPtr d = virDomainLookupByUUIDString(conn(), uuid_.c_str());
    if (d == nullptr) return Fail("virDomainLookupByUUIDString");
    dom_ = DomRef(d);
    const char* n = virDomainGetName(d);
    if (n != nullptr) name_ = n;
    return true;
  }

  void Annotate(LvError& err) override {
    err.uuid = uuid_;
    err.domainName = name_;
  }

  void ReleaseHandles() override { dom_.reset(); }

  virDomainPtr dom() const { return dom_.get(); }

  std::string uuid_;
  std::string name_;
  DomRef dom_;
};

// A JS array with one object per element, filled by fill(object, element).
template <typename T, typename Fill>
Napi::Array ObjectArray(Napi::Env env, const std::vector<T>& items, Fill fill) {
  Napi::Array arr = Napi::Array::New(env, items.size());
  uint32_t k = 0;
  for (const T& item : items) {
    Napi::Object o = Napi::Object::New(env);
    fill(o, item);
    arr.Set(k++, o);
  }
  return arr;
}

}  // namespace virtop
