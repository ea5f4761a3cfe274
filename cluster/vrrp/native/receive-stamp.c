/* When the kernel received a socket's last packet, for the VRRP timers:
 * RFC 5798 restarts the Master_Down_Timer when an advert is received, and
 * the event loop hands the packet to JavaScript a few tenths of a
 * millisecond after the kernel had it. The receive timestamp (SIOCGSTAMPNS)
 * takes that delay out. Also the lookup of a raw socket's descriptor, which
 * raw-socket does not expose. */
#include <dirent.h>
#include <errno.h>
#include <linux/sockios.h>
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

int hawser_raw_socket_fds(int protocol, int *fds, int max) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) return -errno;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < max) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*end != '\0' || end == e->d_name || fd == dirfd(d)) continue;
    int type = 0, proto = 0;
    socklen_t len = sizeof type;
    if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_RAW) continue;
    len = sizeof proto;
    if (getsockopt((int)fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 || proto != protocol) continue;
    fds[n++] = (int)fd;
  }
  closedir(d);
  return n;
}
