// Error plumbing between libvirt worker threads and JS.
//
// libvirt keeps its "last error" per thread, so a worker must copy it out
// (LvError::Capture) on the same thread that made the failing call, inside
// Execute(). The copy is plain C++ data and is turned into a JS Error on the
// JS thread (LvError::ToJs).
#pragma once

#include <napi.h>

#include <string>

namespace virtop {

struct LvError {
  bool set = false;
  // Our own condition: the connection is not open (never opened, closed, or
  // being closed). Surfaces in JS as `closed: true` instead of a libvirt code.
  bool closed = false;
  int code = 0;    // virErrorNumber
  int domain = 0;  // virErrorDomain
  int level = 0;   // virErrorLevel
  std::string message;
  std::string call;        // libvirt function (or binding method for `closed`)
  std::string domainName;  // empty when unknown
  std::string uuid;        // empty when not a per-domain call

  // Copies virGetLastError() of the calling thread and resets it.
  void Capture(const char* libvirtCall);
  // Marks this as a "connection is not open" error.
  void Closed(const char* method, const char* why);

  // JS thread only.
  Napi::Error ToJs(Napi::Env env) const;
};

// Replaces libvirt's default error handler (which prints every error to
// stderr) with a silent one. Errors still reach us via virGetLastError().
void InstallSilentErrorHandler();

// JS thread helpers.
Napi::Error MakeClosedError(Napi::Env env, const char* method, const char* why);
Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& err);
Napi::Promise ResolvedPromise(Napi::Env env, Napi::Value value);

}  // namespace virtop
