#include "stderr_capture.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace virtop {

namespace {
// The original fd 2 while redirected, else -1. Only the JS thread touches it.
int g_savedStderr = -1;

Napi::Error SysError(Napi::Env env, const std::string& what) {
  return Napi::Error::New(env, what + ": " + std::strerror(errno));
}
}  // namespace

Napi::Value RedirectStderr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "redirectStderr(path): path must be a string");
  const std::string path = info[0].As<Napi::String>();
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw SysError(env, "cannot open " + path);
  if (g_savedStderr < 0) {
    g_savedStderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (g_savedStderr < 0) {
      close(fd);
      throw SysError(env, "cannot keep the original stderr");
    }
  }
  if (dup2(fd, STDERR_FILENO) < 0) {
    close(fd);
    throw SysError(env, "cannot send stderr to " + path);
  }
  close(fd);
  return env.Undefined();
}

Napi::Value RestoreStderr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (g_savedStderr < 0) return env.Undefined();
  if (dup2(g_savedStderr, STDERR_FILENO) < 0) throw SysError(env, "cannot restore stderr");
  close(g_savedStderr);
  g_savedStderr = -1;
  return env.Undefined();
}

}  // namespace virtop
