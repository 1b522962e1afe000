// Moves the process's stderr (fd 2) into a file while the full-screen
// display is up, and back. libvirt, libxml2 and GLib write warnings straight
// to fd 2, beneath any JS handler, and those bytes would land in the middle
// of the screen. Node offers no dup2, hence this in the addon.
#pragma once

#include <napi.h>

namespace virtop {

// redirectStderr(path): fd 2 now appends to `path` (created 0600). Throws with
// the path and errno text when the file cannot be opened.
Napi::Value RedirectStderr(const Napi::CallbackInfo& info);
// restoreStderr(): fd 2 is the original again; a no-op when not redirected.
Napi::Value RestoreStderr(const Napi::CallbackInfo& info);

}  // namespace virtop
