"""Phrase banks for "Focus on Outcomes" (format: see `crowd.demo.phrasebank_personal`)."""

OUTCOMES = """
topic what_matters appeal=0.8 lean=service_user:+0.1,carer:+0.08,staff:-0.02
claim:
Measure what matters to people, not just what is easy to count.
Success should mean people living the life they want, not beds emptied.
The outcomes should be written by the people who use services.
Quality of life is the outcome that matters most.
problem:
Targets measure activity, like appointments and contacts, not whether anyone got better.
Services hit their targets while people still feel let down.
What gets measured gets done, so the wrong measures do real harm.
story:
My dad's care was rated outstanding on paper, but he was lonely and miserable every single day.
For me success is being able to walk to the shops again, nobody ever asked me that.
My son's service hit all its targets but it took a year for anyone to ask him what he wanted.
staff:
We count contacts because the contract says so, not because it tells us anything.
Our best measure is asking people if they got what they needed, and we rarely do it.
Goal based outcomes in our team changed the conversation with families completely.
suggestion:
Ask people what a good outcome looks like for them and record it.
Drop some of the activity targets and replace them with a few that matter.
Publish outcomes in plain English that anyone can understand.
Let local people choose one outcome in each borough to focus on.
question:
How do you add up what matters to thousands of different people?
Who decides which outcomes count?

topic waiting_times appeal=0.79 lean=service_user:+0.08,carer:+0.06,staff:-0.06
claim:
Waiting times are still far too long and the declaration should say how they will come down.
Nobody should wait months for a first appointment, especially in mental health.
Waiting is not just an inconvenience, people get worse while they wait.
People should be told honestly how long they will wait.
problem:
The wait for talking therapies in some boroughs is longer than a year.
Children are waiting years for autism and ADHD assessments.
GP appointments are impossible to get at eight in the morning.
story:
I waited eleven months for a first mental health appointment, by then I had lost my job.
My daughter has been on the autism assessment list for two and a half years.
I rang the surgery at eight every morning for a week and never got through.
staff:
Our waiting list has doubled and we have the same number of staff as five years ago.
Waiting well support, like a call every few weeks, makes a real difference while people wait.
Validation of our lists found a lot of people no longer needed the appointment.
suggestion:
Publish real waiting times for every service, updated every month.
Offer support while people wait, not just a letter saying you are on the list.
Set a maximum wait for children's mental health services across London.
Let people book GP appointments in advance, not just on the day.
question:
Is it realistic to cut waits without many more staff?
Will the declaration include waiting times for social care assessments too?

topic outcome_commissioning appeal=0.56 lean=staff:+0.08,other:+0.04,service_user:-0.08,carer:-0.06
claim:
Commissioning should pay for outcomes, not activity.
Contracts should reward providers for keeping people well, not for how many times they see them.
Outcome based contracts could finally get organisations working together.
Long term contracts tied to outcomes would stop the constant re-tendering.
problem:
Payment by results rewards activity, so there is no incentive to prevent admissions.
Competitive tendering sets providers against each other instead of working together.
Outcome based contracts can be gamed just like targets.
story:
Our local drug and alcohol service has been re-tendered three times in six years and each time we lost the staff we trusted.
My mum's home care provider changed overnight when the contract moved and nobody told us.
I sat on a commissioning panel as a carer and was amazed how little the contract said about what people actually wanted.
staff:
As a commissioner I want to buy outcomes but the contract templates do not let me.
Alliance contracts in our borough have made providers share the risk and it is working.
Outcome based payments only work if the data is good, and ours often is not.
suggestion:
Move to long term alliance contracts with shared outcomes across providers.
Involve people who use services in writing every contract.
Pay part of every contract on outcomes that people report themselves.
Stop re-tendering services that are working well.
question:
Would outcome based commissioning make providers avoid the most complex patients?
How would small voluntary groups compete for outcome based contracts?

topic patient_reported appeal=0.68 lean=service_user:+0.06,staff:-0.02
claim:
Patient reported outcome measures should be used everywhere, not just for hip replacements.
People are the experts on whether their care worked.
Feedback should be collected in a way that changes things, not just filed.
Patient experience and patient outcomes both need to be measured.
problem:
The friends and family test tells you almost nothing.
Surveys are long, only in English and only online.
People do not give honest feedback because they are worried it will affect their care.
story:
I filled in a survey after my surgery and got a generic thank you, nothing ever changed.
My mum refused to fill in the feedback form because she thought they might stop her care.
When the clinic started asking me how I was doing, not just measuring my bloods, I felt listened to.
staff:
We collect patient reported measures at the first visit but rarely at the end, so we cannot show change.
Digital questionnaires on a tablet in the waiting room got our response rate up hugely.
PROMs only help if clinicians look at them during the appointment.
suggestion:
Use a short set of patient reported measures across all London services.
Ask people in their own language and in more than one way, online, paper, phone.
Show people what changed because of their feedback, you said we did.
Let people answer anonymously so they feel safe being honest.
question:
How do you make sure people who struggle with forms are still counted?
Who will look at all this feedback and what will they do with it?

topic benchmarking appeal=0.54 lean=staff:-0.08,other:+0.08,service_user:+0.04
claim:
Share data openly so boroughs and services can compare and learn from each other.
Benchmarking works when it is about learning, not naming and shaming.
Londoners should be able to see how their borough compares.
Open data would show where the money is making a difference.
problem:
League tables make services defensive and push them to game the numbers.
Data is collected in different ways in every borough so comparisons are meaningless.
Nobody outside the NHS can find or understand the published data.
story:
I tried to find out how my borough compared on dementia diagnosis and gave up after an hour of spreadsheets.
Our hospital was bottom of a league table one year and it made staff feel worthless, not better.
When our borough published its care data, our local group used it to get a new day centre funded.
staff:
Benchmarking showed us another trust was discharging twice as fast and we learnt a lot from visiting them.
Comparisons ignore deprivation, so practices in poorer areas always look worse.
We spend more time cleaning data for returns than using it to improve.
suggestion:
Publish a simple London dashboard with the same measures for every borough.
Adjust comparisons for deprivation and age so they are fair.
Pair boroughs up so the best share what works with the rest.
Use the data to support struggling services, not to punish them.
question:
Will benchmarking just create more targets and more paperwork for the front line?
Who checks that the data is accurate before it is published?
"""
