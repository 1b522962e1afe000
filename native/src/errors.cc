#include "errors.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

namespace virtop {

void LvError::Capture(const char* libvirtCall) {
  set = true;
  closed = false;
  call = libvirtCall;
  virErrorPtr e = virGetLastError();
  if (e != nullptr && e->code != VIR_ERR_OK) {
    code = e->code;
    domain = e->domain;
    level = e->level;
    message = e->message != nullptr ? e->message : "";
  } else {
    // A failure without a recorded error (should not happen, but never lie
    // about it being a success).
    code = VIR_ERR_INTERNAL_ERROR;
    domain = VIR_FROM_NONE;
    level = VIR_ERR_ERROR;
    message.clear();
  }
  if (message.empty()) message = std::string(libvirtCall) + " failed";
  virResetLastError();
}

void LvError::Closed(const char* method, const char* why) {
  set = true;
  closed = true;
  call = method;
  code = 0;
  domain = 0;
  level = 0;
  message = why;
}

Napi::Error LvError::ToJs(Napi::Env env) const {
  Napi::Error err = Napi::Error::New(env, message);
  Napi::Object o = err.Value();
  if (closed) {
    o.Set("closed", true);
  } else {
    o.Set("code", code);
    o.Set("domain", domain);
    o.Set("level", level);
  }
  o.Set("call", call);
  if (!domainName.empty()) o.Set("domainName", domainName);
  if (!uuid.empty()) o.Set("uuid", uuid);
  return err;
}

static void SilentErrorFunc(void* /*userData*/, virErrorPtr /*error*/) {}

void InstallSilentErrorHandler() { virSetErrorFunc(nullptr, SilentErrorFunc); }

Napi::Error MakeClosedError(Napi::Env env, const char* method, const char* why) {
  LvError e;
  e.Closed(method, why);
  return e.ToJs(env);
}

Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& err) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(err.Value());
  return d.Promise();
}

Napi::Promise ResolvedPromise(Napi::Env env, Napi::Value value) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Resolve(value);
  return d.Promise();
}

}  // namespace virtop
