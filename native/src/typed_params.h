// virTypedParameter <-> JS conversion.
//
// Copying happens on the worker thread (CopyTypedParams, no N-API), the JS
// values are built on the JS thread. 64-bit integers become BigInt so no
// value is ever rounded; 32-bit integers and doubles become numbers.
#pragma once

#include <libvirt/libvirt.h>
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace virtop {

struct TypedValue {
  std::string name;
  int type = 0;      // virTypedParameterType
  int64_t i = 0;     // INT, LLONG
  uint64_t u = 0;    // UINT, ULLONG
  double d = 0;      // DOUBLE
  bool b = false;    // BOOLEAN
  std::string s;     // STRING
};

using TypedValues = std::vector<TypedValue>;

// Worker thread: deep-copies params (unknown types are skipped).
void CopyTypedParams(const virTypedParameter* params, int nparams, TypedValues& out);

// JS thread.
Napi::Value TypedValueToJs(Napi::Env env, const TypedValue& v);
Napi::Object TypedValuesToObject(Napi::Env env, const TypedValues& values);

// Test-only export `_typedParamRoundTrip([[name, type, value], ...])`:
// builds a real virTypedParameter array with libvirt's virTypedParamsAdd*,
// then converts it back through CopyTypedParams + TypedValuesToObject, the
// exact path stats results take. Pure memory work, no connection involved.
Napi::Value TypedParamRoundTrip(const Napi::CallbackInfo& info);

}  // namespace virtop
