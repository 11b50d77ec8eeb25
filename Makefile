# SPDX-License-Identifier: BSD-2-Clause
#
# xenlibs: stable libraries for talking to the Xen hypervisor.
# Libraries first, then what is built on them.

SUBDIR=	lib share/man usr.sbin tests

.include "mk/xenlibs.subdir.mk"
