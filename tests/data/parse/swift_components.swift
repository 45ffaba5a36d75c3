import Foundation

// Hand-written: URLComponents with query items, string interpolation and setValue.
let token = ProcessInfo.processInfo.environment["API_TOKEN"]!
var components = URLComponents(string: "https://api.example.com/v1/search")!
components.queryItems = [
  URLQueryItem(name: "q", value: "café & crème"),
  URLQueryItem(name: "limit", value: "5"),
]
var request = URLRequest(url: components.url!)
request.httpMethod = "POST"
request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
request.setValue("application/json", forHTTPHeaderField: "Content-Type")
request.httpBody = """
  {"filter": "naïve", "n": 1}
  """.data(using: .utf8)
let task = URLSession.shared.dataTask(with: request) { data, response, error in
  print(String(data: data!, encoding: .utf8)!)
}
task.resume()
