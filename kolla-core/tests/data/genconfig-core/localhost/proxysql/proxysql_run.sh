#!/bin/bash

PROXYSQL_LOG_FILE="/var/log/kolla/proxysql/proxysql.log"

proxysql \
    --idle-threads \
    --initial \
    --no-version-check -f -c /etc/proxysql.cnf >> ${PROXYSQL_LOG_FILE} 2>&1
