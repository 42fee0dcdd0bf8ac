// Command etcd is the etcd server of module go.etcd.io/etcd/server/v3, built from the Go module proxy for the
// test control plane. It is the same entry point as etcd's own server/main.go: etcdmain.Main parses the
// command line (flags or a config file) and runs the member or the gateway/grpc-proxy sub-commands.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
