#include "typed_params.h"

#include "args.h"
#include "errors.h"

#include <libvirt/virterror.h>

namespace virtop {

void CopyTypedParams(const virTypedParameter* params, int nparams, TypedValues& out) {
  out.reserve(out.size() + (nparams > 0 ? nparams : 0));
  for (int k = 0; k < nparams; k++) {
    const virTypedParameter& p = params[k];
    TypedValue v;
    v.name = p.field;
    v.type = p.type;
    switch (p.type) {
      case VIR_TYPED_PARAM_INT: v.i = p.value.i; break;
      case VIR_TYPED_PARAM_UINT: v.u = p.value.ui; break;
      case VIR_TYPED_PARAM_LLONG: v.i = p.value.l; break;
      case VIR_TYPED_PARAM_ULLONG: v.u = p.value.ul; break;
      case VIR_TYPED_PARAM_DOUBLE: v.d = p.value.d; break;
      case VIR_TYPED_PARAM_BOOLEAN: v.b = p.value.b != 0; break;
      case VIR_TYPED_PARAM_STRING: v.s = p.value.s != nullptr ? p.value.s : ""; break;
      default: continue;  // a type newer than this binding: skip it
    }
    out.push_back(std::move(v));
  }
}

Napi::Value TypedValueToJs(Napi::Env env, const TypedValue& v) {
  switch (v.type) {
    case VIR_TYPED_PARAM_INT: return Napi::Number::New(env, static_cast<double>(v.i));
    case VIR_TYPED_PARAM_UINT: return Napi::Number::New(env, static_cast<double>(v.u));
    case VIR_TYPED_PARAM_LLONG: return Napi::BigInt::New(env, v.i);
    case VIR_TYPED_PARAM_ULLONG: return Napi::BigInt::New(env, v.u);
    case VIR_TYPED_PARAM_DOUBLE: return Napi::Number::New(env, v.d);
    case VIR_TYPED_PARAM_BOOLEAN: return Napi::Boolean::New(env, v.b);
    case VIR_TYPED_PARAM_STRING: return Napi::String::New(env, v.s);
    default: return env.Undefined();
  }
}

Napi::Object TypedValuesToObject(Napi::Env env, const TypedValues& values) {
  Napi::Object o = Napi::Object::New(env);
  for (const TypedValue& v : values) o.Set(v.name, TypedValueToJs(env, v));
  return o;
}

namespace {

// Owns a virTypedParameter array built with virTypedParamsAdd*.
struct ParamBuilder {
  virTypedParameterPtr params = nullptr;
  int n = 0;
  int max = 0;
  ~ParamBuilder() { virTypedParamsFree(params, n); }
};

[[noreturn]] void ThrowLibvirt(Napi::Env env, const char* call) {
  LvError e;
  e.Capture(call);
  throw e.ToJs(env);
}

}  // namespace

Napi::Value TypedParamRoundTrip(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray())
    ThrowType(env, "params must be an array of [name, type, value]");
  Napi::Array in = info[0].As<Napi::Array>();
  ParamBuilder b;
  for (uint32_t k = 0; k < in.Length(); k++) {
    Napi::Value item = in.Get(k);
    if (!item.IsArray() || item.As<Napi::Array>().Length() != 3)
      ThrowType(env, "each param must be [name, type, value]");
    Napi::Array t = item.As<Napi::Array>();
    Napi::Value nameV = t.Get(0u), typeV = t.Get(1u), val = t.Get(2u);
    if (!nameV.IsString() || !typeV.IsNumber()) ThrowType(env, "name must be a string and type a number");
    std::string name = nameV.As<Napi::String>().Utf8Value();
    int type = typeV.As<Napi::Number>().Int32Value();
    int rc = -1;
    bool lossless = true;
    switch (type) {
      case VIR_TYPED_PARAM_INT:
        if (!val.IsNumber()) ThrowType(env, name + ": INT needs a number");
        rc = virTypedParamsAddInt(&b.params, &b.n, &b.max, name.c_str(), val.As<Napi::Number>().Int32Value());
        break;
      case VIR_TYPED_PARAM_UINT:
        if (!val.IsNumber()) ThrowType(env, name + ": UINT needs a number");
        rc = virTypedParamsAddUInt(&b.params, &b.n, &b.max, name.c_str(), val.As<Napi::Number>().Uint32Value());
        break;
      case VIR_TYPED_PARAM_LLONG: {
        if (!val.IsBigInt()) ThrowType(env, name + ": LLONG needs a bigint");
        int64_t x = val.As<Napi::BigInt>().Int64Value(&lossless);
        if (!lossless) ThrowType(env, name + ": value does not fit in 64 bits");
        rc = virTypedParamsAddLLong(&b.params, &b.n, &b.max, name.c_str(), x);
        break;
      }
      case VIR_TYPED_PARAM_ULLONG: {
        if (!val.IsBigInt()) ThrowType(env, name + ": ULLONG needs a bigint");
        uint64_t x = val.As<Napi::BigInt>().Uint64Value(&lossless);
        if (!lossless) ThrowType(env, name + ": value does not fit in 64 bits");
        rc = virTypedParamsAddULLong(&b.params, &b.n, &b.max, name.c_str(), x);
        break;
      }
      case VIR_TYPED_PARAM_DOUBLE:
        if (!val.IsNumber()) ThrowType(env, name + ": DOUBLE needs a number");
        rc = virTypedParamsAddDouble(&b.params, &b.n, &b.max, name.c_str(), val.As<Napi::Number>().DoubleValue());
        break;
      case VIR_TYPED_PARAM_BOOLEAN:
        if (!val.IsBoolean()) ThrowType(env, name + ": BOOLEAN needs a boolean");
        rc = virTypedParamsAddBoolean(&b.params, &b.n, &b.max, name.c_str(), val.As<Napi::Boolean>().Value() ? 1 : 0);
        break;
      case VIR_TYPED_PARAM_STRING:
        if (!val.IsString()) ThrowType(env, name + ": STRING needs a string");
        rc = virTypedParamsAddString(&b.params, &b.n, &b.max, name.c_str(),
                                     val.As<Napi::String>().Utf8Value().c_str());
        break;
      default:
        ThrowType(env, name + ": unknown virTypedParameterType " + std::to_string(type));
    }
    if (rc < 0) ThrowLibvirt(env, "virTypedParamsAdd");
  }
  TypedValues values;
  CopyTypedParams(b.params, b.n, values);
  return TypedValuesToObject(env, values);
}

}  // namespace virtop
