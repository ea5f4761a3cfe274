/* The Node-API face of the native operations: arguments checked here, errors
 * returned as a positive errno (0 is success) for the TypeScript side to
 * name, so nothing throws across the boundary except for a wrong call. */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "native.h"

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) return NULL;                                                                                \
  } while (0)

static napi_value type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* A string argument into buf (NUL-terminated); 0 when too long or not a string. */
static int string_arg(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len + 1 > size) return 0;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok;
}

static int buffer_arg(napi_env env, napi_value v, const uint8_t **data, size_t *len) {
  bool is = false;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is) return 0;
  void *p = NULL;
  if (napi_get_buffer_info(env, v, &p, len) != napi_ok) return 0;
  *data = p;
  return 1;
}

static napi_value number(napi_env env, int n) {
  napi_value v;
  CHECK(napi_create_int32(env, n, &v));
  return v;
}

/* gratuitousArp(ifname: string, ipv4: Buffer(4), count: number): errno */
static napi_value gratuitous_arp(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char ifname[64];
  const uint8_t *ip;
  size_t iplen;
  uint32_t count;
  if (argc != 3 || !string_arg(env, argv[0], ifname, sizeof ifname) || !buffer_arg(env, argv[1], &ip, &iplen) || iplen != 4 ||
      napi_get_value_uint32(env, argv[2], &count) != napi_ok || count > 1000)
    return type_error(env, "gratuitousArp(ifname, ipv4Buffer, count)");
  return number(env, hawser_gratuitous_arp(ifname, ip, count));
}

/* addressChange(add: boolean, ifname: string, ip: Buffer(4|16), prefix: number, label: string | null, nodad: boolean): errno */
static napi_value address_change(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool add = false, nodad = false;
  char ifname[64], label[64];
  const uint8_t *ip;
  size_t iplen;
  uint32_t prefix;
  napi_valuetype label_type = napi_undefined;
  if (argc != 6 || napi_get_value_bool(env, argv[0], &add) != napi_ok || !string_arg(env, argv[1], ifname, sizeof ifname) ||
      !buffer_arg(env, argv[2], &ip, &iplen) || (iplen != 4 && iplen != 16) ||
      napi_get_value_uint32(env, argv[3], &prefix) != napi_ok || napi_typeof(env, argv[4], &label_type) != napi_ok ||
      (label_type != napi_null && !string_arg(env, argv[4], label, sizeof label)) ||
      napi_get_value_bool(env, argv[5], &nodad) != napi_ok)
    return type_error(env, "addressChange(add, ifname, ipBuffer, prefix, label | null, nodad)");
  int family = iplen == 4 ? AF_INET : AF_INET6;
  return number(env, hawser_netlink_address(add, family, ifname, ip, prefix, label_type == napi_null ? NULL : label, nodad));
}

/* receiveAge(fd: number): ms since the kernel received fd's last packet, or -errno */
static napi_value receive_age(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return type_error(env, "receiveAge(fd)");
  double age = 0;
  int err = hawser_receive_age(fd, &age);
  napi_value v;
  CHECK(napi_create_double(env, err == 0 ? age : -(double)err, &v));
  return v;
}

/* socketFds(type: number, protocol: number, port: number): number[] (the process's sockets of that type and
 * protocol, bound to port unless it is -1), or -errno */
static napi_value socket_fds(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t type, protocol, port;
  if (argc != 3 || napi_get_value_int32(env, argv[0], &type) != napi_ok || napi_get_value_int32(env, argv[1], &protocol) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok || protocol < 0 || protocol > 255 || port < -1 || port > 65535)
    return type_error(env, "socketFds(type, protocol, port)");
  int fds[256];
  int n = hawser_socket_fds(type, protocol, port, fds, 256);
  if (n < 0) return number(env, n);
  napi_value list;
  CHECK(napi_create_array_with_length(env, (size_t)n, &list));
  for (int i = 0; i < n; i++) CHECK(napi_set_element(env, list, (uint32_t)i, number(env, fds[i])));
  return list;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"gratuitousArp", NULL, gratuitous_arp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"addressChange", NULL, address_change, NULL, NULL, NULL, napi_enumerable, NULL},
      {"receiveAge", NULL, receive_age, NULL, NULL, NULL, napi_enumerable, NULL},
      {"socketFds", NULL, socket_fds, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
