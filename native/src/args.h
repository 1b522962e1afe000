// Argument validation for binding methods. Everything is checked on the JS
// thread before any work is queued; failures throw TypeError synchronously.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace virtop {

[[noreturn]] inline void ThrowType(Napi::Env env, const std::string& msg) {
  throw Napi::TypeError::New(env, msg);
}

inline std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsString())
    ThrowType(info.Env(), std::string(name) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

inline bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsBoolean())
    ThrowType(info.Env(), std::string(name) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

inline Napi::Function ArgFunction(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsFunction())
    ThrowType(info.Env(), std::string(name) + " must be a function");
  return info[i].As<Napi::Function>();
}

// An integral JS number within [lo, hi].
inline double ArgIntegral(const Napi::CallbackInfo& info, size_t i, const char* name,
                          double lo, double hi, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber())
    ThrowType(info.Env(), std::string(name) + " must be " + what);
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || std::trunc(v) != v || v < lo || v > hi)
    ThrowType(info.Env(), std::string(name) + " must be " + what);
  return v;
}

inline uint32_t ArgUint32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return static_cast<uint32_t>(
      ArgIntegral(info, i, name, 0, 4294967295.0, "an unsigned 32-bit integer"));
}

inline int32_t ArgInt32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return static_cast<int32_t>(
      ArgIntegral(info, i, name, -2147483648.0, 2147483647.0, "a 32-bit integer"));
}

// A non-negative safe-integer number, or a non-negative bigint that fits 64 bits.
inline uint64_t ArgUint64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() > i && info[i].IsBigInt()) {
    bool lossless = false;
    uint64_t v = info[i].As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless)
      ThrowType(info.Env(), std::string(name) + " must be a non-negative integer below 2^64");
    return v;
  }
  return static_cast<uint64_t>(ArgIntegral(info, i, name, 0, 9007199254740991.0,
                                           "a non-negative safe integer or bigint"));
}

// A JS array of strings (`v` is any value; `what` names it in the TypeError).
inline std::vector<std::string> StringArray(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsArray()) ThrowType(env, what + " must be an array of strings");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value s = arr.Get(k);
    if (!s.IsString()) ThrowType(env, what + " must be an array of strings");
    out.push_back(s.As<Napi::String>().Utf8Value());
  }
  return out;
}

}  // namespace virtop
