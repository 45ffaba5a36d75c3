package main

// Hand-written: Go with a raw-string JSON body, an http.Method constant and a query built with url.Values.
import (
	"fmt"
	"net/http"
	"strings"
)

func main() {
	body := `{"name": "Zoë", "path": "C:\temp"}`
	req, err := http.NewRequest(http.MethodPatch, "https://api.example.com/items/7", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	q := req.URL.Query()
	q.Add("expand", "owner")
	req.URL.RawQuery = q.Encode()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("X-Tab", "a\tb \u00e9")
	req.SetBasicAuth("me", "REPLACE_PASSWORD")
	req.AddCookie(&http.Cookie{Name: "sid", Value: "abc"})
	res, _ := http.DefaultClient.Do(req)
	fmt.Println(res)
}
