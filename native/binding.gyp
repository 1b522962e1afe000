{
  "targets": [
    {
      "target_name": "virtop_libvirt",
      "sources": [
        "src/addon.cc",
        "src/connection.cc",
        "src/conn_state.cc",
        "src/dispatcher.cc",
        "src/errors.cc",
        "src/event_loop.cc",
        "src/events.cc",
        "src/stderr_capture.cc",
        "src/typed_params.cc",
        "src/workers_connect.cc",
        "src/workers_domain.cc",
        "src/workers_node.cc",
        "src/workers_storage.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter",
        "<!@(pkg-config --cflags-only-other libvirt)"
      ],
      "include_dirs": [
        "<!@(pkg-config --cflags-only-I libvirt | sed 's/-I//g')"
      ],
      "libraries": [
        "<!@(pkg-config --libs libvirt)"
      ]
    }
  ]
}
