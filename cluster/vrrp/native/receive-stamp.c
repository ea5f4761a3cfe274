/* When the kernel received a socket's last packet, for the VRRP timers:
 * RFC 5798 restarts the Master_Down_Timer when an advert is received, and
 * the event loop hands the packet to JavaScript a few tenths of a
 * millisecond after the kernel had it. The receive timestamp (SIOCGSTAMPNS)
 * takes that delay out. Also the lookup of a socket's descriptor, which
 * neither raw-socket nor node:dgram exposes. */
#include <dirent.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "native.h"

int hawser_receive_age(int fd, double *age_ms) {
  struct timespec stamp, now;
  if (ioctl(fd, SIOCGSTAMPNS, &stamp) != 0) return errno;
  if (clock_gettime(CLOCK_REALTIME, &now) != 0) return errno;
  *age_ms = (double)(now.tv_sec - stamp.tv_sec) * 1e3 + (double)(now.tv_nsec - stamp.tv_nsec) / 1e6;
  return 0;
}

/* The bound port of socket fd, or -1. */
static int bound_port(int fd) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) != 0) return -1;
  if (a.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&a)->sin_port);
  if (a.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
  return -1;
}

int hawser_socket_fds(int type, int protocol, int port, int *fds, int max) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) return -errno;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < max) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*end != '\0' || end == e->d_name || fd == dirfd(d)) continue;
    int t = 0, proto = 0;
    socklen_t len = sizeof t;
    if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &t, &len) != 0 || t != type) continue;
    len = sizeof proto;
    if (getsockopt((int)fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 || proto != protocol) continue;
    if (port >= 0 && bound_port((int)fd) != port) continue;
    fds[n++] = (int)fd;
  }
  closedir(d);
  return n;
}
