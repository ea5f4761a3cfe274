/* An interface's index through SIOCGIFINDEX on a socket the caller keeps
 * open: glibc's if_nametoindex opens and closes a socket on every call,
 * twice per takeover otherwise. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>

#include "native.h"

int hawser_ifindex(int fd, const char *ifname, unsigned *index) {
  if (strlen(ifname) >= IFNAMSIZ) return ENODEV;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) return errno;
  *index = (unsigned)ifr.ifr_ifindex;
  return 0;
}
