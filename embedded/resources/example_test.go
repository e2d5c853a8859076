package resources_test

import (
	"encoding/json"
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

func Example() {
	agent, err := resources.Parse("cpus:4;mem:1024;ports:[31000-32000];disk(web):100", "*")
	if err != nil {
		panic(err)
	}
	task := resources.MustParse("cpus:0.1;mem:128;ports:[31000-31000]")
	fmt.Println(agent.Contains(task))

	left := agent.Minus(task)
	fmt.Println(left)
	fmt.Println(left.ScalarQuantities())

	b, _ := json.Marshal(resources.V0(left))
	fmt.Println(string(b))
	// Output:
	// true
	// cpus:3.9; mem:896; ports:[31001-32000]; disk(reservations: [(STATIC,web)]):100
	// cpus:3.9; disk:100; mem:896
	// {"cpus":3.9,"disk":100.0,"gpus":0.0,"mem":896.0,"ports":"[31001-32000]"}
}

func ExampleResources_MarshalJSON() {
	rs := resources.MustParse("cpus(eng):2;ports:[31000-31001]")
	b, _ := json.Marshal(rs)
	fmt.Println(string(b))
	e, _ := rs.AppendJSON(nil, resources.FormatEndpoint)
	fmt.Println(string(e))
	// Output:
	// [{"name":"cpus","type":"SCALAR","scalar":{"value":2.0},"reservations":[{"role":"eng","type":"STATIC"}]},{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":31001}]}}]
	// [{"name":"cpus","type":"SCALAR","scalar":{"value":2.0},"role":"eng","reservations":[{"role":"eng","type":"STATIC"}]},{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":31001}]},"role":"*"}]
}

func ExampleParseQuantities() {
	q, _ := resources.ParseQuantities("cpus:10;mem:1024;cpus:0.5")
	fmt.Println(q, q.Get("cpus"))
	// Output: cpus:10.5; mem:1024 10.5
}
