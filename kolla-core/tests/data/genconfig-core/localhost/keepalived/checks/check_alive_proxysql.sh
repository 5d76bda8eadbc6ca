#!/bin/bash

# This will return 0 when it successfully talks to the ProxySQL daemon via localhost
# Failures return 1

mariadb --no-defaults \
  --protocol socket \
  --socket=/var/lib/kolla/proxysql/admin.sock \
  --user=kolla-admin \
  --password=MFPksFjMlusHVzoFQC8mG7hHNphWqUe6RNjbivQZ \
  --skip-ssl \
  -e "SELECT 1" 2>/dev/null
