/* Adds or deletes an interface address over rtnetlink, what `ip addr
 * add/del` does, without a process to spawn. The kernel handles the
 * request inside sendmsg, so the ack is already queued when recv runs; the
 * receive timeout only bounds a kernel that would not answer. The socket is
 * opened once and kept (keepalived keeps its own too): a takeover then
 * pays for neither opening it nor binding it. */
#include <errno.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "native.h"

static int netlink_fd = -1;

struct request {
  struct nlmsghdr nh;
  struct ifaddrmsg ifa;
  char attrs[128];
};

static void add_attr(struct request *r, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

int hawser_netlink_address(int add, int family, const char *ifname, const uint8_t *ip, unsigned prefix, const char *label,
                           int nodad) {
  size_t iplen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (iplen == 0 || prefix > iplen * 8) return EINVAL;
  if (label != NULL && strlen(label) >= IFNAMSIZ) return EINVAL;
  if (netlink_fd < 0) {
    netlink_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (netlink_fd < 0) return errno;
    struct timeval timeout = {.tv_sec = 2, .tv_usec = 0};
    setsockopt(netlink_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  int fd = netlink_fd;
  unsigned ifindex;
  int err = hawser_ifindex(fd, ifname, &ifindex);
  if (err != 0) return err;

  struct request req;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  req.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  static unsigned sequence;
  req.nh.nlmsg_seq = ++sequence;
  req.ifa.ifa_family = (unsigned char)family;
  req.ifa.ifa_prefixlen = (unsigned char)prefix;
  req.ifa.ifa_index = ifindex;
  req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  req.ifa.ifa_flags = nodad ? IFA_F_NODAD : 0;
  /* As iproute2 sends it: local and address equal (no peer). */
  add_attr(&req, IFA_LOCAL, ip, iplen);
  add_attr(&req, IFA_ADDRESS, ip, iplen);
  if (label != NULL && family == AF_INET) add_attr(&req, IFA_LABEL, label, strlen(label) + 1);

  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return errno;

  /* Bounded: the ack is one message; anything else (the late ack of a request that timed out) is skipped a few times at most. */
  int result = ETIMEDOUT;
  char buf[8192];
  for (int tries = 0; tries < 8; tries++) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      result = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
      break;
    }
    int done = 0;
    int len = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != req.nh.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
        result = EPROTO;
      } else {
        const struct nlmsgerr *e = NLMSG_DATA(h);
        result = -e->error; /* 0 is the ack */
      }
      done = 1;
      break;
    }
    if (done) break;
  }
  return result;
}
